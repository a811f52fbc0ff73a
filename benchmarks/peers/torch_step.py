"""Streaming latency of PyTorch at batch 1: LSTMCell/GRUCell + Linear(h, 1), state carried, one thread.

Two ways of driving libtorch: from Python, one call per operator as an application would (`median_ns`), and a loop
compiled with TorchScript that runs all the steps of a repeat in one call, so the Python interpreter is out of the
timed path and what remains is libtorch's own per-operator dispatch and arithmetic (`scripted_ns`).
Usage: /usr/bin/python3 benchmarks/peers/torch_step.py   (PyTorch CPU: apt-get install python3-torch)
Prints one JSON line per model: median ns per step over the repeats.
"""
import json
import statistics
import time

import torch

torch.set_num_threads(1)
SIZES = [(1, 8), (1, 16), (1, 32), (1, 64), (32, 32), (64, 64), (128, 128)]
ITERATIONS, REPEATS = 3_000, 9


def measure(kind, inputs, hidden):
    cell = (torch.nn.LSTMCell if kind == "Lstm" else torch.nn.GRUCell)(inputs, hidden)
    head = torch.nn.Linear(hidden, 1)
    x = torch.rand(1, inputs) * 2 - 1
    h = torch.zeros(1, hidden)
    c = torch.zeros(1, hidden)
    sink = 0.0
    times = []
    with torch.no_grad():
        for repeat in range(REPEATS + 1):  # the first repeat warms up
            start = time.perf_counter_ns()
            for _ in range(ITERATIONS):
                if kind == "Lstm":
                    h, c = cell(x, (h, c))
                else:
                    h = cell(x, h)
                y = head(h)
            elapsed = time.perf_counter_ns() - start
            sink += float(y)  # consume the output
            if repeat > 0:
                times.append(elapsed / ITERATIONS)
    return statistics.median(times), sink


class LstmLoop(torch.nn.Module):
    def __init__(self, inputs: int, hidden: int):
        super().__init__()
        self.cell = torch.nn.LSTMCell(inputs, hidden)
        self.head = torch.nn.Linear(hidden, 1)

    def forward(self, x, h, c, steps: int):
        y = torch.zeros(1, 1)
        for _ in range(steps):
            h, c = self.cell(x, (h, c))
            y = self.head(h)
        return y, h, c


class GruLoop(torch.nn.Module):
    def __init__(self, inputs: int, hidden: int):
        super().__init__()
        self.cell = torch.nn.GRUCell(inputs, hidden)
        self.head = torch.nn.Linear(hidden, 1)

    def forward(self, x, h, c, steps: int):
        y = torch.zeros(1, 1)
        for _ in range(steps):
            h = self.cell(x, h)
            y = self.head(h)
        return y, h, c


def measure_scripted(kind, inputs, hidden):
    loop = torch.jit.script((LstmLoop if kind == "Lstm" else GruLoop)(inputs, hidden))
    x = torch.rand(1, inputs) * 2 - 1
    h = torch.zeros(1, hidden)
    c = torch.zeros(1, hidden)
    sink = 0.0
    times = []
    with torch.no_grad():
        for repeat in range(REPEATS + 3):  # the first three repeats warm up (and let the profiling executor optimise)
            start = time.perf_counter_ns()
            y, h, c = loop(x, h, c, ITERATIONS)
            elapsed = time.perf_counter_ns() - start
            sink += float(y)  # consume the output
            if repeat > 2:
                times.append(elapsed / ITERATIONS)
    return statistics.median(times), sink


for kind in ("Lstm", "Gru"):
    for inputs, hidden in SIZES:
        median, _ = measure(kind, inputs, hidden)
        scripted, _ = measure_scripted(kind, inputs, hidden)
        print(json.dumps({"kind": kind, "size": f"{inputs}x{hidden}", "median_ns": round(median, 1), "scripted_ns": round(scripted, 1)}), flush=True)
