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
