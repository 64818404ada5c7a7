#!/usr/bin/env bash
# What lateral connections buy: a Boltzmann machine with visible–visible
# couplings (-connectivity semi, a semi-restricted BM) against the same
# machine without them (-connectivity rbm), 64 visible and 10 hidden units
# each, trained by the same rule and recipe (experiments/digits/rbm.yaml:
# PCD-5, 300 epochs) on scikit-learn's 8×8 digits, split as in
# experiments/digits; log-likelihoods by AIS over every unit (14,500
# distributions, 100 runs). Writes results/lateral-CONNECTIVITY.json.
#
#   experiments/boltzmann-1985/lateral.sh      # about 15 minutes on 2 cores
set -euo pipefail
cd "$(dirname "$0")/../.."
source experiments/lib.sh
here=experiments/boltzmann-1985
out=${OUT:-runs/boltzmann-1985}
mkdir -p bin "$here/results"
digits_split "$out"
go build -o bin/ ./cmd/train ./cmd/eval
for conn in semi rbm; do
  run="$out/lateral-$conn"
  if [ -d "$run/checkpoints" ]; then
    bin/train -resume -out "$run" -quiet
  else
    bin/train -config experiments/digits/rbm.yaml -model bm -connectivity "$conn" -bm-rule modern -hidden 10 \
      -dtype float64 -data "$out/digits-train.csv" -test-data "$out/digits-test.csv" -out "$run" -quiet
  fi
  bin/eval -json -quiet -ais-steps 14500 -ais-runs 100 -out "$run/eval" "$run" > "$here/results/lateral-$conn.json"
  cp "$run/eval/samples.png" "$here/results/lateral-$conn.samples.png"
done
