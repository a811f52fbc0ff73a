"""Sequence inference in PyTorch: nn.LSTM(128, hidden) forward over T = 100 steps, batch 1 and 32, no_grad, one thread.

Usage: /usr/bin/python3 benchmarks/peers/torch_sequence.py   (PyTorch CPU: apt-get install python3-torch)
Prints one JSON line per case: median µs per forward over the repeats.
"""
import json
import statistics
import time

import torch

torch.set_num_threads(1)
STEPS, INPUT, REPEATS = 100, 128, 9

for hidden in (128, 256):
    for batch in (1, 32):
        lstm = torch.nn.LSTM(INPUT, hidden)
        x = torch.rand(STEPS, batch, INPUT) * 2 - 1
        with torch.no_grad():  # one timed call sizes the repeats to about 0.2 s each
            start = time.perf_counter_ns()
            lstm(x)
            iterations = max(1, int(0.2e9 / (time.perf_counter_ns() - start)))
        times, sink = [], 0.0
        with torch.no_grad():
            for repeat in range(REPEATS + 1):  # the first repeat warms up
                start = time.perf_counter_ns()
                for _ in range(iterations):
                    y, _ = lstm(x)
                elapsed = time.perf_counter_ns() - start
                sink += float(y[-1, -1, -1])  # consume the output
                if repeat > 0:
                    times.append(elapsed / iterations / 1000)
        print(json.dumps({"hidden": hidden, "batch": batch, "median_us": round(statistics.median(times), 1)}), flush=True)
