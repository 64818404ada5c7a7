package train

import (
	"errors"
	"fmt"
)

// Config is the loop's part of a run's configuration: how long, in what
// minibatches, at what rates, from what seed, checkpointed how often. A
// model's own settings belong to the model (package kinds gathers both
// for the commands). Field names in a config file are the flag names with
// dashes turned into underscores (lr_final for -lr-final).
type Config struct {
	// Epochs is the number of passes over the training set; under a
	// staged learner, those of its last stage.
	Epochs int `json:"epochs" yaml:"epochs" help:"passes over the training set" group:"optimisation"`
	Batch  int `json:"batch" yaml:"batch" help:"minibatch size" group:"optimisation"`

	LR         float64 `json:"lr" yaml:"lr" help:"learning rate" group:"optimisation"`
	LRSchedule string  `json:"lr_schedule" yaml:"lr_schedule" help:"learning-rate schedule: constant, linear (to -lr-final) or exponential (×-lr-decay per epoch)" group:"optimisation"`
	LRFinal    float64 `json:"lr_final" yaml:"lr_final" help:"final learning rate of the linear schedule" group:"optimisation"`
	LRDecay    float64 `json:"lr_decay" yaml:"lr_decay" help:"per-epoch factor of the exponential schedule" group:"optimisation"`
	// LRFloor, when positive, is the least rate of the exponential
	// schedule (the reference DBM code's floor of 1e-4; 0: none).
	LRFloor float64 `json:"lr_floor,omitempty" yaml:"lr_floor" help:"least rate of the exponential schedule (0: none)" group:"optimisation"`

	Momentum        float64 `json:"momentum" yaml:"momentum" help:"momentum after the first -momentum-epochs epochs" group:"optimisation"`
	MomentumInitial float64 `json:"momentum_initial" yaml:"momentum_initial" help:"momentum during the first -momentum-epochs epochs" group:"optimisation"`
	MomentumEpochs  int     `json:"momentum_epochs" yaml:"momentum_epochs" help:"epochs at -momentum-initial" group:"optimisation"`

	Seed uint64 `json:"seed" yaml:"seed" help:"seed of every random choice" group:"model"`

	CheckpointEvery int `json:"checkpoint_every" yaml:"checkpoint_every" help:"write a checkpoint every N epochs" group:"run"`
	Keep            int `json:"keep" yaml:"keep" help:"keep the newest N checkpoints (0: all)" group:"run"`
}

// Defaults are the loop's settings of `train` with no flags: 40 epochs of
// minibatches of 100, lr 0.05 decayed linearly to 0.001, momentum 0.5,
// seed 1, a checkpoint every epoch, the newest three kept.
//
// Momentum stays at 0.5: with PCD, raising it to 0.9 after five epochs (the
// guide's advice for CD) threw the persistent chains off and undid the
// learning (validation pseudo-log-likelihood −80 → −152 at lr 0.05, and at
// lr 0.01 too), while 0.5 throughout kept improving.
func Defaults() Config {
	return Config{
		Epochs:          40,
		Batch:           100,
		LR:              0.05,
		LRSchedule:      ScheduleLinear,
		LRFinal:         0.001,
		LRDecay:         0.95,
		Momentum:        0.5,
		MomentumInitial: 0.5,
		MomentumEpochs:  5,
		Seed:            1,
		CheckpointEvery: 1,
		Keep:            3,
	}
}

// Validate checks every field and names each that is wrong, one line
// each: "field: what is wrong".
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if c.Epochs < 1 {
		bad("epochs", "%d: want at least 1", c.Epochs)
	}
	if c.Batch < 1 {
		bad("batch", "%d: want at least 1", c.Batch)
	}
	if err := c.Schedule().Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.Momentum < 0 || c.Momentum >= 1 {
		bad("momentum", "%g: want a value in [0, 1)", c.Momentum)
	}
	if c.MomentumInitial < 0 || c.MomentumInitial >= 1 {
		bad("momentum_initial", "%g: want a value in [0, 1)", c.MomentumInitial)
	}
	if c.MomentumEpochs < 0 {
		bad("momentum_epochs", "%d: must not be negative", c.MomentumEpochs)
	}
	if c.CheckpointEvery < 1 {
		bad("checkpoint_every", "%d: want at least 1 epoch", c.CheckpointEvery)
	}
	if c.Keep < 0 {
		bad("keep", "%d: want 0 (keep all) or more", c.Keep)
	}
	return errors.Join(errs...)
}

// Schedule is the learning-rate schedule the configuration names.
func (c Config) Schedule() Schedule {
	return Schedule{Kind: c.LRSchedule, LR: c.LR, Final: c.LRFinal, Decay: c.LRDecay, Floor: c.LRFloor}
}
