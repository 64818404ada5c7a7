#!/usr/bin/env bash
# carry.sh carries a long run from one development machine to the next
# through the repository, since nothing but what is committed survives a
# machine (issue 38):
#
#   experiments/carry.sh save EXP/RUN      # runs/EXP/RUN → experiments/EXP/carry/RUN (then commit it)
#   experiments/carry.sh restore EXP/RUN   # experiments/EXP/carry/RUN → runs/EXP/RUN (then resume it)
#   experiments/carry.sh done EXP/RUN      # the run has ended: remove its carry folder
#
# save copies the run's latest full checkpoint (model, trainer state and
# configuration: exactly what -resume reads), its checkpoints/latest and
# its metrics.jsonl, replacing what was carried before (one checkpoint a
# run), and refuses a carry over 16 MB. restore puts them back into a run
# directory that holds no run, so that `train -resume -out runs/EXP/RUN`
# goes on exactly where the last machine stopped. OUT (default runs)
# names the runs' root.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() { echo "usage: experiments/carry.sh save|restore|done EXP/RUN" >&2; exit 2; }
[ $# -eq 2 ] || usage
op=$1 run=$2
[[ "$run" =~ ^[A-Za-z0-9._-]+/[A-Za-z0-9._-]+$ ]] || { echo "carry: $run: want EXP/RUN, such as dbm-mnist/dbm3" >&2; exit 2; }
exp=${run%%/*} name=${run#*/}
[ -d "experiments/$exp" ] || { echo "carry: experiments/$exp: no such experiment" >&2; exit 2; }
src=${OUT:-runs}/$run
carry=experiments/$exp/carry/$name
limit=$((16 * 1024 * 1024))

case $op in
save)
  [ -f "$src/checkpoints/latest" ] || { echo "carry: $src/checkpoints/latest: no checkpoint to carry" >&2; exit 1; }
  latest=$(cat "$src/checkpoints/latest")
  [ -d "$src/checkpoints/$latest" ] || { echo "carry: $src/checkpoints/$latest: missing" >&2; exit 1; }
  [ -f "$src/checkpoints/$latest/trainer.safetensors" ] || { echo "carry: $src/checkpoints/$latest holds no trainer state: it cannot be resumed" >&2; exit 1; }
  tmp=$(mktemp -d "experiments/$exp/.carry-$name.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/checkpoints"
  # Copy the checkpoint under the run's lock-free reading: the trainer
  # renames a finished checkpoint into place, so one directory is whole.
  cp -r "$src/checkpoints/$latest" "$tmp/checkpoints/$latest"
  printf '%s\n' "$latest" > "$tmp/checkpoints/latest"
  [ -f "$src/metrics.jsonl" ] && cp "$src/metrics.jsonl" "$tmp/metrics.jsonl"
  size=$(du -sb "$tmp" | cut -f1)
  if [ "$size" -gt "$limit" ]; then
    echo "carry: $run: $size bytes, over the 16 MB a carried run may take" >&2; exit 1
  fi
  printf 'run %s, checkpoint %s, saved %s from %s\n' "$run" "$latest" "$(date -u +%FT%TZ)" "$(uname -n)" > "$tmp/CARRIED"
  mkdir -p "experiments/$exp/carry"
  rm -rf "$carry.old"
  [ -d "$carry" ] && mv "$carry" "$carry.old"
  mv "$tmp" "$carry"
  trap - EXIT
  rm -rf "$carry.old"
  echo "carried $run ($latest, $size bytes) in $carry: commit it"
  ;;
restore)
  [ -d "$carry/checkpoints" ] || { echo "carry: $carry: nothing carried" >&2; exit 1; }
  if [ -e "$src/checkpoints" ]; then
    echo "carry: $src already holds a run: move it away, or resume it as it is" >&2; exit 1
  fi
  mkdir -p "$src"
  cp -r "$carry/checkpoints" "$src/checkpoints"
  [ -f "$carry/metrics.jsonl" ] && cp "$carry/metrics.jsonl" "$src/metrics.jsonl"
  echo "restored $run ($(cat "$carry/checkpoints/latest")) into $src: resume it with train -resume -out $src"
  ;;
done)
  rm -rf "$carry"
  rmdir "experiments/$exp/carry" 2>/dev/null || true
  echo "removed $carry"
  ;;
*) usage ;;
esac
