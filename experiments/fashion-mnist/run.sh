#!/usr/bin/env bash
# The MNIST recipes on Fashion-MNIST (Xiao, Rasul & Vollgraf 2017), read
# from the IDX files Debian ships (dataset-fashion-mnist, installed here if
# missing): the RBM of experiments/rbm-mnist (pcd5-dyn100: AIS test
# log-likelihood with RAISE beside it, and a linear classifier on its
# features) and the DBM of experiments/dbm-mnist (the variational bound by
# AIS over the even layers; linear and fine-tuned classifier errors).
#
#   experiments/fashion-mnist/run.sh           # rbm, then dbm
#   experiments/fashion-mnist/run.sh rbm       # one of them
#
# A run that was interrupted resumes from its last checkpoint when the
# script is started again.
set -euo pipefail
cd "$(dirname "$0")/../.."
source experiments/lib.sh
here=experiments/fashion-mnist
out=${OUT:-runs/fashion-mnist}
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  apt-get install -y dataset-fashion-mnist >&2
fi
mkdir -p bin "$here/results"
go build -o bin/ ./cmd/train ./cmd/eval
for n in ${@:-rbm dbm}; do
  train_or_resume "$here/$n.yaml" "$out/$n"
  case $n in
  rbm*)
    bin/eval -json -out "$out/$n/eval" -linear-epochs "${LINEAR:-30}" "$out/$n" > "$here/results/$n.json" ;;
  dbm*)
    bin/eval -json -out "$out/$n/eval" -linear-epochs "${LINEAR:-30}" -finetune-epochs "${FINETUNE:-50}" \
      "$out/$n" > "$here/results/$n.json" ;;
  esac
  cp "$out/$n/metrics.jsonl" "$here/results/$n.metrics.jsonl"
  cp "$out/$n/eval/samples.png" "$here/results/$n.samples.png"
  cp "$out/$n/eval/filters.png" "$here/results/$n.filters.png"
done
