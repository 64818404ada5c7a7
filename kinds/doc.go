// Package kinds wires the built-in model kinds (rbm, grbm, dbm, hopfield)
// to the commands: one explicit table ([All]), no init-time registration.
// Each kind lives in one file here: its name, its configuration fields and
// their validation, the learner it builds for train.Run (or, for a
// Hopfield memory, its one-pass storage), and how a checkpoint of it is
// loaded back.
//
// [Config] is a run's whole configuration as `train -config` files and
// flags give it: the model kind, the loop's fields (train.Config), the
// data's, the fields several kinds share and each kind's own, flat, with
// the flag names (dashes turned into underscores) as field names.
//
// Adding a kind: its model in its own package (implementing train.Learner,
// and evaluate's interfaces for the report), a file here with its options
// struct and its [Kind] value, and its two lines in kinds.go (the options
// embedded in Config, the Kind in [All]).
package kinds
