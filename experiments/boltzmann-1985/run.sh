#!/usr/bin/env bash
# The encoder problems of Ackley, Hinton & Sejnowski (1985), learned by the
# 1985 rule (simulated annealing in both phases) and by the modern rule,
# over many seeds: results/ENCODER-RULE.json (success rate, learning cycles).
#
#   experiments/boltzmann-1985/run.sh       # 4-2-4 and 8-3-8, about 15 minutes on 2 cores
set -euo pipefail
cd "$(dirname "$0")/../.."
here=experiments/boltzmann-1985
mkdir -p "$here/results"
go build -o bin/boltzmann-1985 ./experiments/boltzmann-1985
for rule in 1985 modern meanfield; do
  bin/boltzmann-1985 -n 4 -m 2 -rule "$rule" -seeds 50 -cycles 2000 -lr 1 -json "$here/results/4-2-4-$rule.json" 2>/dev/null
done
for rule in 1985 modern; do
  bin/boltzmann-1985 -n 8 -m 3 -rule "$rule" -seeds 20 -cycles 4000 -lr 1 -json "$here/results/8-3-8-$rule.json" 2>/dev/null
done
