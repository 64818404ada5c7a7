// Package train runs the training loop that every model shares: epochs of
// shuffled minibatches, learning-rate and momentum schedules, a progress bar,
// one line of metrics.jsonl per epoch, checkpoints every few epochs and on
// SIGINT or SIGTERM, exact resume, and a stop on the first NaN or infinity.
//
// The loop sees a model only through interfaces, as gonum's optimize.Minimize
// sees a Method: [Run] takes a [Builder] that makes the [Learner] (one update
// from a minibatch, scores, its parameters and state as named tensors) and a
// [data.Set]. A learner that trains in stages (a DBM's pretraining of each
// layer, then joint training) says so through [Staged]; one that reports on
// its sampler, through [SamplerStats]. This package names no model: package
// kinds wires the built-in ones to the commands, and a user's own model is
// trained by passing its Builder.
//
// Every random choice flows from Config.Seed: the batch order of epoch e
// from a PCG seeded with (seed, e), the learner's initialisation and then its
// draws from one PCG ([SamplerStream]) whose state is checkpointed, and the
// evaluation's draws from (seed, e) again, so that evaluating never shifts
// the training stream. A run resumed from any checkpoint therefore produces
// the same bytes as one never interrupted.
//
// One process at a time trains into a run directory: a run holds its lock
// for its whole life, and a fresh one starts only where no run is
// ([LockNewRun], which a learner trained outside the loop calls too).
package train
