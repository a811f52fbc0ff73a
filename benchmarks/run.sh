#!/usr/bin/env bash
# Runs every model benchmark of docs/benchmarks.md and, where PyTorch is installed, its peers, one after the other,
# and prints the load average between them (the figures are only comparable on a quiet machine).
#
#   bash benchmarks/run.sh            # streaming step, sequence forward, training step (1 and 2 threads), peers
#   bash benchmarks/run.sh --kernels  # the same, then the matrix-product and activation kernels
#
# RnnGen: BenchmarkDotNet, results under BenchmarkDotNet.Artifacts/. Peers: Debian's PyTorch
# (apt-get install python3-torch, run with /usr/bin/python3), with an optimised BLAS selected as libblas.so.3
# (docs/benchmarks.md says how); each prints JSON lines.
set -euo pipefail
cd "$(dirname "$0")/.."

load() { echo "== $1 at $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }

load "RnnGen models"
dotnet run -c Release --project benchmarks/RnnGen.Benchmarks -- \
  --filter '*StepBenchmarks*' '*SequenceBenchmarks*' '*TrainingBenchmarks*'

if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  load "PyTorch streaming step"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/torch_step.py
  load "PyTorch sequence forward"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 benchmarks/peers/torch_sequence.py
  load "PyTorch training step"
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/peers/torch_training.py
  load "PyTorch training step with the embedding"
  OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 benchmarks/peers/torch_training.py --embedding
else
  echo "PyTorch not found for /usr/bin/python3 (apt-get install python3-torch): peers skipped"
fi

if [[ "${1:-}" == "--kernels" ]]; then
  load "kernels"
  dotnet run -c Release --project benchmarks/RnnGen.Benchmarks -- --filter '*Gemm*' '*Activation*'
fi

load "done"
