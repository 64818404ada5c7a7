#!/usr/bin/env bash
# Trains the Gaussian-Bernoulli RBM of RESULTS.md (or resumes it) and
# evaluates it: AIS from the Gaussian fitted to the standardised training
# images (the paper's 14,500-step schedule, 100 runs), samples after 1,000
# Gibbs sweeps, the first layer's filters.
set -euo pipefail
cd "$(dirname "$0")/../.."
source experiments/lib.sh
here=experiments/grbm-mnist
out=${OUT:-runs/grbm-mnist}
mkdir -p bin "$here/results"
go build -o bin/ ./cmd/train ./cmd/eval
train_or_resume "$here/grbm.yaml" "$out"
bin/eval -json -out "$out/eval" "$out" > "$here/results/grbm.json"
cp "$out/metrics.jsonl" "$here/results/grbm.metrics.jsonl"
cp "$out/eval/samples.png" "$out/eval/filters.png" "$out/eval/curves.svg" "$here/results/"
