package train

import (
	"errors"
	"fmt"
	"math"
)

// Learning-rate schedules.
const (
	ScheduleConstant    = "constant"
	ScheduleLinear      = "linear"
	ScheduleExponential = "exponential"
)

// Schedule is a learning-rate schedule over the steps of one stage.
//
//   - constant: LR throughout.
//   - linear: from LR down to Final, step by step (PCD's likelihood
//     gains from a rate that decays towards zero; Tieleman 2008).
//   - exponential: LR·Decay^epoch, never below Floor.
type Schedule struct {
	Kind  string
	LR    float64
	Final float64 // linear
	Decay float64 // exponential, per epoch
	Floor float64 // exponential; 0: none
}

// Rate is the learning rate of step (counting from 0) of a stage of
// total steps, during its epoch (counting from 0).
func (s Schedule) Rate(step, total int64, epoch int) float64 {
	switch s.Kind {
	case ScheduleLinear:
		f := float64(step) / float64(max(total, 1))
		return s.LR + (s.Final-s.LR)*f
	case ScheduleExponential:
		return max(s.LR*math.Pow(s.Decay, float64(epoch)), s.Floor)
	}
	return s.LR
}

// Validate names the configuration field of each fault (lr, lr_schedule,
// lr_final, lr_decay, lr_floor).
func (s Schedule) Validate() error {
	var errs []error
	bad := func(field string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if !(s.LR > 0) {
		bad("lr", "%g: want a positive learning rate", s.LR)
	}
	switch s.Kind {
	case ScheduleConstant:
	case ScheduleLinear:
		if s.Final < 0 || s.Final > s.LR {
			bad("lr_final", "%g: want a value in [0, lr=%g]", s.Final, s.LR)
		}
	case ScheduleExponential:
		if !(s.Decay > 0 && s.Decay <= 1) {
			bad("lr_decay", "%g: want a factor in (0, 1]", s.Decay)
		}
		if s.Floor < 0 || s.Floor > s.LR {
			bad("lr_floor", "%g: want 0 (none) or a rate in (0, lr=%g]", s.Floor, s.LR)
		}
	default:
		bad("lr_schedule", "unknown schedule %q: want constant, linear or exponential", s.Kind)
	}
	return errors.Join(errs...)
}

// Stage is a part of a run that a staged learner (a DBM's pretraining of
// each layer, then its joint training) tells the loop about: its name,
// its epochs, and the schedule its steps follow. Momentum and the
// schedule's step and epoch count from the start of each stage.
type Stage struct {
	Name   string
	Epochs int
	// Schedule, when not nil, replaces the run's schedule in this stage.
	Schedule *Schedule
}

// plan is the run's stages laid end to end.
type plan struct {
	stages   []Stage
	schedule Schedule // the run's
	cfg      Config
}

func newPlan(cfg Config, stages []Stage) plan {
	if len(stages) == 0 {
		stages = []Stage{{Epochs: cfg.Epochs}}
	}
	return plan{stages: stages, schedule: cfg.Schedule(), cfg: cfg}
}

// epochs is the number of epochs of every stage.
func (p plan) epochs() int {
	n := 0
	for _, s := range p.stages {
		n += s.Epochs
	}
	return n
}

// stage returns the stage of an epoch and the epoch it starts at.
func (p plan) stage(epoch int) (Stage, int) {
	first := 0
	for _, s := range p.stages {
		if epoch < first+s.Epochs {
			return s, first
		}
		first += s.Epochs
	}
	last := p.stages[len(p.stages)-1]
	return last, first - last.Epochs
}

// rate is the learning rate of a step of the run (nb batches an epoch).
func (p plan) rate(step int64, nb int, epoch int) float64 {
	s, first := p.stage(epoch)
	sched := p.schedule
	if s.Schedule != nil {
		sched = *s.Schedule
	}
	skip := int64(first) * int64(nb)
	return sched.Rate(step-skip, int64(s.Epochs)*int64(nb), epoch-first)
}

// momentum is momentum_initial for the first momentum_epochs epochs of
// each stage and momentum after (Hinton's practical guide §9: 0.5, then
// 0.9).
func (p plan) momentum(epoch int) float64 {
	_, first := p.stage(epoch)
	if epoch-first < p.cfg.MomentumEpochs {
		return p.cfg.MomentumInitial
	}
	return p.cfg.Momentum
}
