#!/usr/bin/env bash
# The encoder problems of Ackley, Hinton & Sejnowski (1985), learned by the
# 1985 rule (simulated annealing in both phases) and by the modern rule,
# over many seeds: results/ENCODER-RULE.json (success rate, learning cycles,
# accuracy, and for small machines the exact p(V2 | V1)).
#
#   experiments/boltzmann-1985/run.sh       # 4-2-4 and 8-3-8, about an hour on 2 cores
#   experiments/boltzmann-1985/lateral.sh   # lateral connections against none, on the 8×8 digits
set -euo pipefail
cd "$(dirname "$0")/../.."
here=experiments/boltzmann-1985
mkdir -p "$here/results"
go build -o bin/boltzmann-1985 ./experiments/boltzmann-1985
for rule in 1985 modern meanfield exact; do
  bin/boltzmann-1985 -n 4 -m 2 -rule "$rule" -seeds 20 -cycles 2000 -lr 1 -json "$here/results/4-2-4-$rule.json" 2>/dev/null
done
for rule in 1985 modern; do
  bin/boltzmann-1985 -n 8 -m 3 -rule "$rule" -seeds 10 -cycles 4000 -lr 1 -json "$here/results/8-3-8-$rule.json" 2>/dev/null
done
# The paper's procedure (noisy clamping, fixed steps of 0.2 at T = 1, no couplings among
# the hidden units) judged by the paper's test (different codes) and by strict read-back.
P="-hidden-links=false -sign -lr 0.2 -noise-on 0.15"
bin/boltzmann-1985 -n 4 -m 2 -seeds 20 -cycles 2000 -success codes $P -noise-off 0.05 -repeats 2 -json "$here/results/4-2-4-paper.json" 2>/dev/null
bin/boltzmann-1985 -n 4 -m 2 -seeds 20 -cycles 2000 -success codes $P -noise-off 0.05 -repeats 10 -json "$here/results/4-2-4-paper-x10.json" 2>/dev/null
bin/boltzmann-1985 -n 4 -m 2 -seeds 20 -cycles 2000 $P -noise-off 0.05 -repeats 10 -json "$here/results/4-2-4-paper-x10-readback.json" 2>/dev/null
bin/boltzmann-1985 -n 8 -m 3 -seeds 20 -cycles 4000 -success codes $P -noise-off 0.02 -repeats 2 -json "$here/results/8-3-8-paper.json" 2>/dev/null
# The same, counting the statistics after every single-unit update.
bin/boltzmann-1985 -n 4 -m 2 -seeds 20 -cycles 2000 -success codes $P -noise-off 0.05 -repeats 2 -every-update -json "$here/results/4-2-4-paper-every.json" 2>/dev/null
bin/boltzmann-1985 -n 8 -m 3 -seeds 20 -cycles 4000 -success codes $P -noise-off 0.02 -repeats 2 -every-update -json "$here/results/8-3-8-paper-every.json" 2>/dev/null
# The modern rule by the paper's test, plain and with the paper's noise and steps.
bin/boltzmann-1985 -n 4 -m 2 -rule modern -seeds 20 -cycles 2000 -lr 1 -success codes -json "$here/results/4-2-4-modern-codes.json" 2>/dev/null
bin/boltzmann-1985 -n 8 -m 3 -rule modern -seeds 10 -cycles 4000 -lr 1 -success codes -json "$here/results/8-3-8-modern-codes.json" 2>/dev/null
bin/boltzmann-1985 -n 4 -m 2 -rule modern -seeds 20 -cycles 2000 -success codes $P -noise-off 0.05 -repeats 2 -json "$here/results/4-2-4-modern-paper.json" 2>/dev/null
bin/boltzmann-1985 -n 8 -m 3 -rule modern -seeds 10 -cycles 4000 -success codes $P -noise-off 0.02 -repeats 2 -json "$here/results/8-3-8-modern-paper.json" 2>/dev/null
# 40-10-40 on the paper's recipe: hidden units coupled after 300 cycles, 500 noisy cycles, then clean.
bin/boltzmann-1985 -n 40 -m 10 -seeds 2 -cycles 2000 -every 100 -hidden-after 300 -noise-cycles 500 \
  -noise-on 0.1 -noise-off 0.0025 -hidden-links=false -sign -lr 0.2 -gentle-test -json "$here/results/40-10-40-paper.json" 2>/dev/null
# The hidden codes of a solved 4-2-4 machine (seed 6 of the table's 1985 rule) with a
# free-running anneal of it, and of an 8-3-8 machine stuck with shared codes (seed 1).
bin/boltzmann-1985 -n 4 -m 2 -rule 1985 -first-seed 6 -seeds 1 -cycles 2000 -lr 1 -codes "$here/results/4-2-4-codes.png" \
  -anneal-plot "$here/results/4-2-4-anneal.svg" 2> "$here/results/4-2-4-codes.txt"
bin/boltzmann-1985 -n 8 -m 3 -rule 1985 -seeds 1 -cycles 4000 -lr 1 -codes "$here/results/8-3-8-codes.png" \
  2> "$here/results/8-3-8-codes.txt"
