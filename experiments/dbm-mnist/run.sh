#!/usr/bin/env bash
# Trains the DBM of RESULTS.md and evaluates it (AIS over the even layers
# with the paper's 14,500-step schedule and 100 runs; the mean-field
# variational lower bound on the test log-likelihood), then classifies: a
# linear softmax classifier on the mean-field features (LINEAR epochs,
# default 30) and the paper's fine-tuned network (FINETUNE epochs, default
# 50). A second AIS with CHECK_STEPS distributions (default 50,000) checks
# whether log Z has settled: results/NAME.check.json. Then the fine-tuning
# recipe of RESULTS.md, dropout 0.3 on the hidden units for DROPOUT_EPOCHS
# epochs (default 100; 0 skips it), with seeds 1 and 2:
# results/NAME.finetune-dropout-0.3.json and …-seed2.json.
#
#   experiments/dbm-mnist/run.sh          # trains (or resumes) dbm, then evaluates it
#
# A run that was interrupted resumes from its last checkpoint when the
# script is started again, exactly where it stopped.
set -euo pipefail
cd "$(dirname "$0")/../.."
source experiments/lib.sh
here=experiments/dbm-mnist
out=${OUT:-runs/dbm-mnist}
mkdir -p bin "$here/results"
go build -o bin/ ./cmd/train ./cmd/eval
for n in "${@:-dbm}"; do
  train_or_resume "$here/$n.yaml" "$out/$n"
  bin/eval -json -out "$out/$n/eval" -linear-epochs "${LINEAR:-30}" -finetune-epochs "${FINETUNE:-50}" \
    "$out/$n" > "$here/results/$n.json"
  bin/eval -json -out "$out/$n/check" -ais-steps "${CHECK_STEPS:-50000}" -raise 0 -gibbs-steps 10 \
    "$out/$n" > "$here/results/$n.check.json"
  if [ "${DROPOUT_EPOCHS:-100}" -gt 0 ]; then
    for seed in 1 2; do
      suffix=$([ "$seed" = 1 ] && echo "" || echo "-seed$seed")
      bin/eval -json -out "$out/$n/finetune$seed" -ais=false -raise 0 -gibbs-steps 10 -seed "$seed" \
        -finetune-epochs "${DROPOUT_EPOCHS:-100}" -finetune-dropout 0.3 \
        "$out/$n" > "$here/results/$n.finetune-dropout-0.3$suffix.json"
    done
  fi
  cp "$out/$n/metrics.jsonl" "$here/results/$n.metrics.jsonl"
  cp "$out/$n/eval/samples.png" "$here/results/$n.samples.png"
  cp "$out/$n/eval/filters.png" "$here/results/$n.filters.png"
done
