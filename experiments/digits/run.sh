#!/usr/bin/env bash
# RBMs small enough for an exact log Z (≤ 18 hidden units) on scikit-learn's
# 8×8 handwritten digits, read from the CSV that Debian's python3-sklearn
# ships (1,797 images, values 0–16, the label last), and evaluated by exact
# enumeration beside AIS and RAISE.
#
#   experiments/digits/run.sh              # h10 h16 h18
#   experiments/digits/run.sh h16          # one of them
#
# The first 1,500 rows train (the last 200 of them held out for validation),
# the last 297 are the test set; values are divided by their maximum (16)
# and binarised once with the seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
source experiments/lib.sh
here=experiments/digits
out=${OUT:-runs/digits}
mkdir -p bin "$here/results"
digits_split "$out"
go build -o bin/ ./cmd/train ./cmd/eval
for n in ${@:-h10 h16 h18}; do
  if [ -d "$out/$n/checkpoints" ]; then
    bin/train -resume -out "$out/$n" -quiet
  else
    bin/train -config "$here/rbm.yaml" -hidden "${n#h}" -data "$out/digits-train.csv" -test-data "$out/digits-test.csv" -out "$out/$n" -quiet
  fi
  bin/eval -json -ais-steps 14500 -ais-runs 100 -raise 297 -linear-epochs 50 -out "$out/$n/eval" "$out/$n" > "$here/results/$n.json"
  cp "$out/$n/eval/filters.png" "$here/results/$n.filters.png"
  cp "$out/$n/eval/samples.png" "$here/results/$n.samples.png"
done
/usr/bin/python3 - "$here/results" ${@:-h10 h16 h18} <<'PY'
import json, sys
d = sys.argv[1]
print("| run | hidden | exact log Z | AIS log Z (±3σ) | test LL exact | test LL AIS | RAISE / AIS (297 images) | linear test error |")
print("|---|---|---|---|---|---|---|---|")
for n in sys.argv[2:]:
    r = json.load(open(f"{d}/{n}.json"))
    print(f"| {n} | {n[1:]} | {r['log_z_exact']:.4f} | {r['log_z']:.4f} ({r['log_z_lo']:.4f} … {r['log_z_hi']:.4f}) | "
          f"{r['test_ll_exact']:.4f} | {r['test_ll']:.4f} | {r['test_ll_raise']:.4f} / {r['test_ll_ais_same_images']:.4f} | "
          f"{100*r['linear_test_error']:.2f}% |")
PY
