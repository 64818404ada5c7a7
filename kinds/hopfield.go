package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/train"
)

// HopfieldOptions are a Hopfield memory's fields: the learning rule and
// the prototypes stored per class.
type HopfieldOptions struct {
	Rule       string `json:"rule" yaml:"rule" help:"Hopfield learning rule: hebbian, storkey or pseudo-inverse" group:"hopfield"`
	Prototypes int    `json:"prototypes" yaml:"prototypes" help:"prototypes stored per class" group:"hopfield"`
}

func hopfieldDefaults() HopfieldOptions {
	return HopfieldOptions{Rule: string(hopfield.Storkey), Prototypes: 2}
}

func hopfieldKind() Kind {
	return Kind{
		Name:    hopfield.Kind,
		Options: []any{hopfieldDefaults()},
		Reads:   []string{"seed", "checkpoint_every", "keep"},
		Summary: "Hopfield memory of k-means prototypes of each class, stored in one pass by -rule",
		Validate: func(c Config, bad func(field, format string, args ...any)) {
			o := Own[HopfieldOptions](c)
			if _, err := hopfield.ParseRule(o.Rule); err != nil {
				bad("rule", "%v", err)
			}
			if o.Prototypes < 1 {
				bad("prototypes", "%d per class: want at least 1", o.Prototypes)
			}
		},
		Store: storeHopfield,
		Load: func(_ Config, model []checkpoint.Tensor) (any, error) {
			return loadMemory(model)
		},
		Describe: func(c Config) string {
			o := Own[HopfieldOptions](c)
			return fmt.Sprintf("a Hopfield memory (%s rule, %d prototypes per class)", o.Rule, o.Prototypes)
		},
	}
}

// streamPrototypes separates the prototype grouping from other streams.
const streamPrototypes = 0x70726f746f747970 // "prototyp"

// storeHopfield builds a Hopfield memory of c.Prototypes prototypes per
// class of the training images, stored by c.Rule, and saves it as the
// run's one checkpoint (epoch 1). Storing is one pass, not a descent, so
// there is nothing to resume.
func storeHopfield(_ context.Context, c Config, set data.Set, opts train.Options) (*train.Result, error) {
	release, err := train.LockNewRun(opts.Dir)
	if err != nil {
		return nil, err
	}
	defer release()
	if opts.Resume || opts.ResumeFrom != "" {
		return nil, errors.New("train: a Hopfield memory is stored in one pass; there is nothing to resume")
	}
	o := Own[HopfieldOptions](c)
	rule, err := hopfield.ParseRule(o.Rule)
	if err != nil {
		return nil, fmt.Errorf("rule: %w", err)
	}
	tr := set.Part(data.Training)
	if tr.Labels == nil || set.Classes() < 1 {
		return nil, errors.New("train: a Hopfield memory stores prototypes of each class: the data set has no labels")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	images := numeric.ToFloat64(tr.X.Data())
	d := tr.X.Shape()[1]
	rng := rand.New(rand.NewPCG(c.Seed, streamPrototypes))
	pats, labels, err := hopfield.Prototypes(images, d, tr.Labels, set.Classes(), o.Prototypes, rng)
	if err != nil {
		return nil, err
	}
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "storing %d prototypes of %d units by the %s rule\n", len(pats), d, rule)
	}
	m, err := hopfield.NewMemory(rule, pats, labels)
	if err != nil {
		return nil, err
	}
	cj, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	prog := checkpoint.Progress{Epoch: 1, Step: int64(len(pats))}
	dir, err := checkpoint.Save(opts.Dir, &checkpoint.Checkpoint{
		Kind: hopfield.Kind, Config: cj, Progress: prog, Model: m.Params(),
	}, c.Keep)
	if err != nil {
		return nil, err
	}
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "checkpoint %s\n", dir)
	}
	return &train.Result{Checkpoint: dir, Progress: prog}, nil
}

// loadMemory rebuilds a Hopfield memory from checkpoint tensors.
func loadMemory(ts []checkpoint.Tensor) (*hopfield.Memory, error) {
	var p, n int
	for _, t := range ts {
		if t.Name == "patterns" && len(t.T.Shape()) == 2 {
			p, n = t.T.Shape()[0], t.T.Shape()[1]
		}
	}
	if p == 0 {
		return nil, errors.New("checkpoint holds no patterns")
	}
	m, err := hopfield.EmptyMemory(n, p)
	if err != nil {
		return nil, err
	}
	if err := checkpoint.Assign(m.Params(), ts, "hopfield memory"); err != nil {
		return nil, err
	}
	if err := m.Net.Check(); err != nil {
		return nil, err
	}
	return m, nil
}
