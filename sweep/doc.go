// Package sweep runs hyperparameter sweeps: a spec names a base training
// configuration, a grid and random distributions over its fields, and the
// metric to rank by; [Plan] expands it into trials in a fixed order, each
// with an ID and a seed derived from a hash of its configuration; [Run]
// trains a shard of them (trial indices ≡ i mod N, so that Kubernetes
// Indexed Jobs and Slurm job arrays split a sweep with no coordinator),
// skipping finished trials, resuming interrupted ones from their
// checkpoints and locking each trial so that two workers never write the
// same files; [Merge] gathers the results into a leaderboard. Trials train
// through package kinds, and the test_ll metric is evaluate.LogLikelihood,
// for every kind that supplies evaluate.Evaluable.
//
// On disk a sweep is a directory:
//
//	plan.json               the trials, written by every worker (same bytes)
//	trials/ID/trial.json    the trial's configuration and swept values
//	trials/ID/…             a normal training run: metrics.jsonl, checkpoints/
//	trials/ID/result.json   written atomically when the trial ends
//	trials/ID/.lock         held (flock) by the worker running the trial
//	leaderboard.{csv,md,svg} written by Merge
package sweep
