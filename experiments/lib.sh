# Shell helpers of the experiments' run.sh scripts (sourced from the
# repository root).

# train_or_resume CONFIG OUT trains the run of CONFIG into OUT, or resumes
# it from its last checkpoint when OUT already holds one (a finished run
# only reports that it is done).
train_or_resume() {
  if [ -d "$2/checkpoints" ]; then
    bin/train -resume -out "$2" -quiet
  else
    bin/train -config "$1" -out "$2" -quiet
  fi
}

# digits_split DIR writes scikit-learn's 8×8 digits (the CSV that Debian's
# python3-sklearn ships, installed here if missing: 1,797 images, values
# 0–16, the label last) to DIR/digits.csv, and its split to
# DIR/digits-train.csv (the first 1,500 rows) and DIR/digits-test.csv (the
# last 297).
digits_split() {
  local csv=/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
  if [ ! -f "$csv" ]; then
    apt-get install -y python3-sklearn >&2
  fi
  mkdir -p "$1"
  zcat "$csv" > "$1/digits.csv"
  head -n 1500 "$1/digits.csv" > "$1/digits-train.csv"
  tail -n +1501 "$1/digits.csv" > "$1/digits-test.csv"
}
