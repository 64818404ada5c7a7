// Package train runs the training loop that every model shares: epochs of
// shuffled minibatches, learning-rate and momentum schedules, a progress bar,
// one line of metrics.jsonl per epoch, checkpoints every few epochs and on
// SIGINT or SIGTERM, exact resume, and a stop on the first NaN or infinity.
//
// A model takes part by implementing [Learner]: one update from a
// minibatch, scores on a dataset, and its parameters and state as named
// tensors. [NewLearner] is the one place that maps a model kind to its
// implementation.
//
// Every random choice flows from Config.Seed: the batch order of epoch e
// from a PCG seeded with (seed, e), the sampler's draws from one PCG whose
// state is checkpointed, and the evaluation's pixel flips from (seed, e)
// again, so that evaluating never shifts the training stream. A run resumed
// from any checkpoint therefore produces the same bytes as one never
// interrupted.
package train
