package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// streamPrototypes separates the prototype grouping from other streams.
const streamPrototypes = 0x70726f746f747970 // "prototyp"

// storeHopfield builds a Hopfield memory of cfg.Prototypes prototypes per
// class of the training images, stored by cfg.Rule, and saves it as the
// run's one checkpoint (epoch 1). Storing is one pass, not a descent, so
// there is nothing to resume.
func storeHopfield(cfg Config, data *mnist.Split, opts Options) (*Result, error) {
	if _, err := os.Stat(filepath.Join(opts.Dir, checkpoint.Dir)); err == nil {
		return nil, fmt.Errorf("train: %s already holds a run: choose another -out", opts.Dir)
	}
	if opts.Resume {
		return nil, errors.New("train: a Hopfield memory is stored in one pass; there is nothing to resume")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	rule, err := hopfield.ParseRule(cfg.Rule)
	if err != nil {
		return nil, fmt.Errorf("rule: %w", err)
	}
	images := numeric.ToFloat64(data.Train.Images.Data())
	d := data.Train.Images.Shape()[1]
	rng := rand.New(rand.NewPCG(cfg.Seed, streamPrototypes))
	pats, labels, err := hopfield.Prototypes(images, d, data.Train.Labels, mnist.NumClasses, cfg.Prototypes, rng)
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
	cj, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	prog := checkpoint.Progress{Epoch: 1, Step: int64(len(pats))}
	dir, err := checkpoint.Save(opts.Dir, &checkpoint.Checkpoint{
		Kind: hopfield.Kind, Config: cj, Progress: prog, Model: m.Params(),
	}, cfg.Keep)
	if err != nil {
		return nil, err
	}
	if opts.Log != nil {
		fmt.Fprintf(opts.Log, "checkpoint %s\n", dir)
	}
	return &Result{Checkpoint: dir, Progress: prog}, nil
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
