#!/usr/bin/env bash
# Trains the RBMs of RESULTS.md and evaluates each with AIS (the paper's
# 14,500-step schedule, 100 runs) and RAISE on the first 100 test images.
#
#   experiments/rbm-mnist/run.sh             # pcd1 cd1 cd3
#   experiments/rbm-mnist/run.sh pcd1        # one of them
#
# A run that was interrupted resumes from its last checkpoint when the
# script is started again; a finished one is only evaluated again.
set -euo pipefail
cd "$(dirname "$0")/../.."
source experiments/lib.sh
here=experiments/rbm-mnist
out=${OUT:-runs/rbm-mnist}
mkdir -p bin "$here/results"
go build -o bin/ ./cmd/train ./cmd/eval
for name in "${@:-pcd1 cd1 cd3}"; do
  for n in $name; do
    start=$(date +%s)
    train_or_resume "$here/$n.yaml" "$out/$n"
    echo "$n: training call took $(( $(date +%s) - start )) s" >&2
    bin/eval -json -out "$out/$n/eval" "$out/$n" > "$here/results/$n.json"
    cp "$out/$n/metrics.jsonl" "$here/results/$n.metrics.jsonl"
    cp "$out/$n/eval/samples.png" "$here/results/$n.samples.png"
    cp "$out/$n/eval/filters.png" "$here/results/$n.filters.png"
  done
done
