package kinds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/train"
)

// Train trains the model c describes on set, in opts.Dir: by train.Run
// for the kinds trained by gradient steps, by the kind's own storage
// otherwise. The checkpoints hold the whole of c; a resumed run may change
// only where its data are read from (and, as for every run, how often it
// checkpoints and how many it keeps).
func Train(ctx context.Context, c Config, set data.Set, opts train.Options) (*train.Result, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	k, err := c.Kind()
	if err != nil {
		return nil, err
	}
	if s, ok := set.(data.Sourced); ok {
		c.DataFiles = s.Sources()
	}
	if opts.Resume || opts.ResumeFrom != "" {
		if err := sameData(c.Table(), opts.Dir, opts.ResumeFrom, c.DataFiles); err != nil {
			return nil, err
		}
	}
	if k.Build == nil {
		return k.Store(ctx, c, set, opts)
	}
	if x := set.Part(data.Training).X; x != nil && x.Dtype() != c.Dtype() {
		return nil, fmt.Errorf("train: data are %v but dtype is %s", x.Dtype(), c.DType)
	}
	opts.Kind, opts.Saved, opts.MayChange = k.Name, c, []string{"data", "test_data", "data_files"}
	return train.Run(ctx, c.Config, k.Build(c), set, opts)
}

// sameData checks that a resumed run reads files of the content its
// checkpoint recorded (data.SameFiles).
func sameData(t *Table, dir, from string, now []data.File) error {
	saved, err := t.ResumeConfig(dir, from)
	if err != nil {
		return nil // train.Run reports a checkpoint it cannot read
	}
	if err := data.SameFiles(saved.DataFiles, now); err != nil {
		return fmt.Errorf("data: %w: a resumed run must read the data it started on", err)
	}
	return nil
}

// ResumeConfig returns the configuration saved in the checkpoint of the
// run in dir that from names (the latest when from is empty; see
// checkpoint.LoadFrom).
func ResumeConfig(dir, from string) (Config, error) { return builtin.ResumeConfig(dir, from) }

// ResumeConfig is the package's [ResumeConfig] for a run of one of t's kinds.
func (t *Table) ResumeConfig(dir, from string) (Config, error) {
	ck, _, err := checkpoint.LoadFrom(dir, from)
	if err != nil {
		return Config{}, err
	}
	return t.decodeSavedConfig(ck)
}

func (t *Table) decodeSavedConfig(ck *checkpoint.Checkpoint) (Config, error) {
	c := t.zero()
	if _, err := t.Lookup(ck.Kind); err != nil {
		return Config{}, fmt.Errorf("checkpoint: %w", err)
	}
	if err := c.checkKnownJSON(ck.Config); err != nil {
		return Config{}, fmt.Errorf("checkpoint config: %w", err)
	}
	if err := json.Unmarshal(ck.Config, &c); err != nil {
		return Config{}, fmt.Errorf("checkpoint config: %w", err)
	}
	if c.Model != ck.Kind {
		return Config{}, fmt.Errorf("checkpoint config names model %q but the checkpoint holds %q", c.Model, ck.Kind)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("checkpoint config: %w", err)
	}
	return c, nil
}

// Loaded is a model restored from a checkpoint.
type Loaded struct {
	Config   Config
	Progress checkpoint.Progress
	// Model is a train.Learner for the kinds trained by gradient steps,
	// else what the kind's Load returned (a *hopfield.Memory).
	Model any
	Dir   string // the checkpoint directory
	// ModelOnly is set for a model exported without its trainer state
	// (checkpoint.Export): it can be evaluated and used, not resumed.
	ModelOnly bool
}

// Load restores the model of a checkpoint or of a run directory's latest
// checkpoint.
func Load(path string) (*Loaded, error) { return builtin.Load(path) }

// Load is the package's [Load] for a model of one of t's kinds.
func (t *Table) Load(path string) (*Loaded, error) {
	dir, err := checkpoint.Resolve(path)
	if err != nil {
		return nil, err
	}
	ck, err := checkpoint.Load(dir)
	if err != nil {
		return nil, err
	}
	c, err := t.decodeSavedConfig(ck)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	k, err := c.Kind()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	out := &Loaded{Config: c, Progress: ck.Progress, Dir: dir, ModelOnly: ck.ModelOnly}
	if k.Build == nil {
		if out.Model, err = k.Load(c, ck.Model); err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		return out, nil
	}
	visible, err := inputWidth(ck.Model, k.InputWeight)
	if err == nil && k.Visible != nil {
		visible = k.Visible(c, visible)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	l, err := k.Build(c)(visible, nil, rand.New(train.SamplerStream(c.Seed)))
	if err != nil {
		return nil, err
	}
	if err := checkpoint.Assign(l.Params(), ck.Model, dir+": model"); err != nil {
		return nil, err
	}
	train.BeginCheckpoint(l, ck.Progress)
	out.Model = l
	return out, nil
}

// inputWidth reads the input width from the first dimension of the named
// weight matrix.
func inputWidth(ts []checkpoint.Tensor, name string) (int, error) {
	for _, t := range ts {
		if t.Name == name && len(t.T.Shape()) == 2 {
			return t.T.Shape()[0], nil
		}
	}
	return 0, errors.New("checkpoint holds no weight matrix " + name)
}
