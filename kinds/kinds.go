package kinds

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/train"
)

// Config is every setting of a training run; the whole of it is saved in
// each checkpoint. Field names in a config file are the flag names with
// dashes turned into underscores (weight_decay for -weight-decay).
type Config struct {
	Model        string `json:"model" yaml:"model"`
	Shared       `yaml:",inline"`
	train.Config `yaml:",inline"`
	DataOptions  `yaml:",inline"`

	// Each kind's own fields.
	RBMOptions      `yaml:",inline"`
	GRBMOptions     `yaml:",inline"`
	DBMOptions      `yaml:",inline"`
	HopfieldOptions `yaml:",inline"`
	BMOptions       `yaml:",inline"`
}

// All is the table of the built-in kinds.
func All() []Kind {
	return []Kind{rbmKind(), grbmKind(), dbmKind(), hopfieldKind(), bmKind()}
}

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
	// ignores are the configuration fields the kind does not read.
	ignores []string
}

// Lookup returns the kind of that name.
func Lookup(name string) (Kind, error) {
	all := All()
	i := slices.IndexFunc(all, func(k Kind) bool { return k.Name == name })
	if i < 0 {
		return Kind{}, fmt.Errorf("unknown model %q: want %s", name, Names())
	}
	return all[i], nil
}

// Names lists the kinds' names: "rbm, grbm, dbm or hopfield".
func Names() string {
	var names []string
	for _, k := range All() {
		names = append(names, k.Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
