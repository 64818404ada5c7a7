// Package kinds wires the model kinds (rbm, grbm, dbm, hopfield, bm) to
// the commands: one explicit table ([Builtin], made by [NewTable]), no
// init-time registration. Each kind lives in one file here: its options
// struct, whose field tags give each option its config field, flag, help
// and help group; its [Kind] value with the common fields it reads, its
// validation, the learner it builds for train.Run (or, for a Hopfield
// memory, its one-pass storage), and how a checkpoint of it is loaded back.
//
// [Config] is a run's whole configuration as `train -config` files and
// flags give it: the model kind, the loop's fields (train.Config), the
// data's, the fields several kinds share, and each kind's options ([Own],
// [Update]), encoded flat with the flag names (dashes turned into
// underscores) as field names.
//
// Adding a kind: its model in its own package (implementing train.Learner,
// and evaluate's interfaces for the report), one file here with its
// options struct and its [Kind], and one line in the builtin table of
// table.go. A program can instead make a table of its own with the
// built-in kinds and its own ([NewTable]).
package kinds
