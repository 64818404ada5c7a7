package kinds

import (
	"context"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/train"
)

// Config is every setting of a training run; the whole of it is saved in
// each checkpoint. Field names in a config file are the flag names with
// dashes turned into underscores (weight_decay for -weight-decay).
//
// Besides the fields that every kind may read, a Config holds the options
// structs of its table's kinds (see [Own] and [Update]); it encodes them
// as fields of one flat object, so a config file names them all alike.
type Config struct {
	Model        string `json:"model" yaml:"model" help:"model kind" group:"model"`
	Shared       `yaml:",inline"`
	train.Config `yaml:",inline"`
	DataOptions  `yaml:",inline"`

	// own holds one value of each options struct of the table's kinds, in
	// its order; copy on write, so that a copied Config keeps its values.
	own []any
	// table is the table of kinds the configuration belongs to; nil for
	// the built-in one.
	table *Table
}

// All is the table of the built-in kinds.
func All() []Kind { return builtin.Kinds() }

// Kind is one model kind as the commands know it.
type Kind struct {
	// Name is the -model value and the checkpoints' kind.
	Name string
	// Summary says what it is, for usage messages.
	Summary string
	// Validate reports each fault of the kind's fields (and the shared
	// and data fields it constrains) through bad.
	Validate func(c Config, bad func(field, format string, args ...any))
	// Build returns the learner's constructor for train.Run; nil for a
	// kind that is not trained by gradient steps.
	Build func(c Config) train.Builder
	// Store trains a kind that Build does not (a Hopfield memory, stored
	// in one pass) and writes its one checkpoint.
	Store func(ctx context.Context, c Config, set data.Set, opts train.Options) (*train.Result, error)
	// InputWeight names the parameter whose first dimension is the number
	// of visible units (a checkpoint's width).
	InputWeight string
	// Visible, when set, turns InputWeight's first dimension into the
	// number of visible units (a general Boltzmann machine's W is [N, N]).
	Visible func(c Config, width int) int
	// Load rebuilds, when set, a model that is not a train.Learner from
	// its checkpoint tensors (a Hopfield memory).
	Load func(c Config, model []checkpoint.Tensor) (any, error)
	// OwnParallelism says whether the model splits its work over the
	// cores on goroutines of its own (so a BLAS should use one thread).
	OwnParallelism func(c Config) bool
	// Describe says what a run of c trains, for the command's first line.
	Describe func(c Config) string
	// Stages, when set, are the stages the learner of c will report
	// (train.Staged), known before it is built (nil: one stage).
	Stages func(c Config) []train.Stage
	// Defaults, when set, sets the fields the kind wants unless the user
	// set them (given reports whether a field was set by a flag or a
	// config file): the Gaussian RBM's binarize none and dtype float64.
	Defaults func(c *Config, given func(field string) bool)
	// Options are the kind's own options structs, each a struct value with
	// the kind's defaults, whose fields carry their yaml, json, help and
	// group tags: each field becomes a config field and a flag. Two kinds
	// never declare one struct; a kind reads another's through [Own].
	Options []any
	// Reads are the config fields outside its own options that the kind
	// reads (the data's fields it always does): a command warns when a
	// field it does not read is set.
	Reads []string
	// Group titles the help group of its own options' flags, whose group
	// tag is the kind's name (empty: the name).
	Group string
}

// Lookup returns the built-in kind of that name.
func Lookup(name string) (Kind, error) { return builtin.Lookup(name) }

// Names lists the built-in kinds' names: "rbm, grbm, dbm, hopfield or bm".
func Names() string { return builtin.Names() }
