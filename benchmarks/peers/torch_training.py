"""One training step of the Penn Treebank small configuration, in PyTorch, on 1 and 2 threads.

Without the embedding (the default): dense random input [20 steps, 20 batch, 200], nn.LSTM(200, 200, 2),
Linear(200, 10000), cross-entropy, backward, clip_grad_norm_(5), SGD step (RnnGen's TrainingBenchmarks.TrainingStep).
With --embedding: random token ids below 10 000 through nn.Embedding(10000, 200) in front of the same modules, the
whole language model (TrainingBenchmarks.TrainingStepWithEmbedding).

Dense random input [20 steps, 20 batch, 200] (standing in for the embedding's output), nn.LSTM(200, 200, 2),
Linear(200, 10000), cross-entropy, backward, clip_grad_norm_(5), SGD step.
Usage: /usr/bin/python3 benchmarks/peers/torch_training.py [--embedding] [threads ...]   (default: 1 2)
Prints one JSON line per thread count: median ms per step and tokens per second (400 tokens per step).

Machine set-up for a fair peer (not a project dependency; CI never runs the peers). Debian's PyTorch 1.13
(`apt-get install python3-torch`) calls whatever `libblas.so.3` the alternatives system selects; with only the netlib
reference BLAS installed its large products run unblocked, about 15x too slow. Install OpenBLAS and check it is
selected (installing it selects it in auto mode, as it has the higher priority):
    apt-get update && apt-get install -y libopenblas0-pthread
    update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
    update-alternatives --set liblapack.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/liblapack.so.3
    update-alternatives --display libblas.so.3-x86_64-linux-gnu
A 1000x1000x1000 float product then takes about 35 ms on one thread (about 60 GFLOP/s) instead of about 500 ms.
This PyTorch build does not know its BLAS (BLAS_INFO=generic), so torch.set_num_threads does not reach OpenBLAS,
which would start one thread per core on its own; the script sets OpenBLAS's threads to the same count through its
C API (openblas_set_num_threads) and prints the BLAS libraries loaded (from /proc/self/maps) with OpenBLAS's count.

glibc's malloc returns large blocks (a step's 16 MB logits and their gradients) to the system and maps fresh pages
for the next step; page faults then cost about 40 % of the step on this (virtual) machine. The script tells glibc to
keep freed memory (mallopt: blocks up to 32 MB from the heap, no trimming), as a caching allocator would; on glibc
this is the same as MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=<large>.

PyTorch's intra-op threads are OpenMP threads that spin while they wait; on a machine whose other core is busy that
makes two threads far slower than one. OMP_WAIT_POLICY=PASSIVE (set before starting Python) avoids it.
"""
import ctypes
import json
import statistics
import sys
import time

import torch

STEPS, BATCH, FEATURES, HIDDEN, VOCABULARY = 20, 20, 200, 200, 10_000
ITERATIONS, REPEATS = 5, 11


def keep_freed_memory():
    """Heap (not mmap) for blocks up to 32 MB, and no trimming: freed tensors' pages are reused, not faulted in again."""
    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_mmap_threshold = -1, -3
    if not (libc.mallopt(m_mmap_threshold, 32 * 1024 * 1024) and libc.mallopt(m_trim_threshold, 2**31 - 1)):
        raise RuntimeError("mallopt failed")


def loaded_blas():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower()}
    return sorted(paths)


def openblas():
    """The loaded OpenBLAS, or None (then the BLAS is single-threaded or unknown)."""
    for path in loaded_blas():
        if "libopenblas" in path:
            return ctypes.CDLL(path)
    return None


def measure(threads, with_embedding):
    torch.set_num_threads(threads)
    blas = openblas()
    if blas is not None:
        blas.openblas_set_num_threads(threads)
    torch.manual_seed(17)
    embedding = torch.nn.Embedding(VOCABULARY, FEATURES) if with_embedding else None
    lstm = torch.nn.LSTM(FEATURES, HIDDEN, 2)
    decoder = torch.nn.Linear(HIDDEN, VOCABULARY)
    parameters = list(lstm.parameters()) + list(decoder.parameters())
    if embedding is not None:
        parameters += list(embedding.parameters())
    optimizer = torch.optim.SGD(parameters, lr=0.01)
    loss_function = torch.nn.CrossEntropyLoss()
    tokens = torch.randint(VOCABULARY, (STEPS, BATCH))
    x = torch.rand(STEPS, BATCH, FEATURES) * 2 - 1
    targets = torch.randint(VOCABULARY, (STEPS * BATCH,))

    def step():
        optimizer.zero_grad()
        y, _ = lstm(embedding(tokens) if embedding is not None else x)
        loss = loss_function(decoder(y.reshape(-1, HIDDEN)), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(parameters, 5.0)
        optimizer.step()
        return float(loss)  # consume the output

    times = []
    for repeat in range(REPEATS + 1):  # the first repeat warms up
        start = time.perf_counter_ns()
        for _ in range(ITERATIONS):
            step()
        elapsed = time.perf_counter_ns() - start
        if repeat > 0:
            times.append(elapsed / ITERATIONS / 1e6)
    median = statistics.median(times)
    blas_threads = blas.openblas_get_num_threads() if blas is not None else None
    return {"embedding": with_embedding, "threads": torch.get_num_threads(), "blas_threads": blas_threads, "median_ms": round(median, 2),
            "min_ms": round(min(times), 2), "tokens_per_s": round(400 / (median / 1000))}


keep_freed_memory()
embedding_wanted = "--embedding" in sys.argv[1:]
counts = [int(argument) for argument in sys.argv[1:] if argument != "--embedding"] or [1, 2]
for count in counts:
    result = measure(count, embedding_wanted)
    result["blas"] = loaded_blas()
    print(json.dumps(result), flush=True)
