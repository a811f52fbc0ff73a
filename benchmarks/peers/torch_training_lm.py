"""One training step of the Penn Treebank small language model with its embedding, in PyTorch, one thread.

Random token ids [20 steps, 20 batch] below 10 000, nn.Embedding(10000, 200), nn.LSTM(200, 200, 2),
Linear(200, 10000), cross-entropy, backward, clip_grad_norm_(5), SGD step: the model of RnnGen's PtbSmall
(TrainingBenchmarks.TrainingStepWithEmbedding). torch_training.py is the same without the embedding.
Usage: /usr/bin/python3 benchmarks/peers/torch_training_lm.py   (PyTorch CPU: apt-get install python3-torch)
Prints a JSON line: median ms per step and tokens per second (400 tokens per step).
"""
import json
import statistics
import time

import torch

torch.set_num_threads(1)
STEPS, BATCH, EMBEDDING, HIDDEN, VOCABULARY = 20, 20, 200, 200, 10_000
ITERATIONS, REPEATS = 5, 11

torch.manual_seed(17)
embedding = torch.nn.Embedding(VOCABULARY, EMBEDDING)
lstm = torch.nn.LSTM(EMBEDDING, HIDDEN, 2)
decoder = torch.nn.Linear(HIDDEN, VOCABULARY)
parameters = list(embedding.parameters()) + list(lstm.parameters()) + list(decoder.parameters())
optimizer = torch.optim.SGD(parameters, lr=0.01)
loss_function = torch.nn.CrossEntropyLoss()
tokens = torch.randint(VOCABULARY, (STEPS, BATCH))
targets = torch.randint(VOCABULARY, (STEPS * BATCH,))


def step():
    optimizer.zero_grad()
    y, _ = lstm(embedding(tokens))
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
print(json.dumps({"median_ms": round(median, 2), "tokens_per_s": round(400 / (median / 1000))}))
