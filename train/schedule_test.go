package train

import (
	"math"
	"strings"
	"testing"
)

func TestSchedules(t *testing.T) {
	c := Defaults()
	c.LR, c.LRFinal, c.LRDecay = 0.01, 0.001, 0.95
	c.MomentumInitial, c.Momentum, c.MomentumEpochs = 0.5, 0.9, 5
	for _, tc := range []struct {
		schedule    string
		step, total int64
		epoch       int
		want        float64
	}{
		{ScheduleConstant, 50, 100, 3, 0.01},
		{ScheduleLinear, 0, 100, 0, 0.01},
		{ScheduleLinear, 50, 100, 3, 0.0055},
		{ScheduleLinear, 100, 100, 9, 0.001},
		{ScheduleExponential, 77, 100, 0, 0.01},
		{ScheduleExponential, 77, 100, 2, 0.01 * 0.95 * 0.95},
		{ScheduleExponential, 0, 100, 40, 0.01 * math.Pow(0.95, 40)},
	} {
		c.LRSchedule = tc.schedule
		if got := c.Schedule().Rate(tc.step, tc.total, tc.epoch); abs(got-tc.want) > 1e-15 {
			t.Errorf("%s at step %d/%d epoch %d: %g, want %g", tc.schedule, tc.step, tc.total, tc.epoch, got, tc.want)
		}
	}
	// A floor holds the exponential schedule once it gets there: 0.95^40
	// is 0.1285, below a floor of a fifth of lr; 0.95^20 = 0.358 is not.
	c.LRSchedule, c.LRFloor = ScheduleExponential, 0.002
	if got := c.Schedule().Rate(0, 100, 40); got != 0.002 {
		t.Errorf("exponential with floor 0.002 at epoch 40: %g", got)
	}
	if got, want := c.Schedule().Rate(0, 100, 20), 0.01*math.Pow(0.95, 20); abs(got-want) > 1e-15 {
		t.Errorf("exponential with floor 0.002 at epoch 20: %g, want %g", got, want)
	}
	c.LRFloor = 0.02
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "lr_floor") {
		t.Errorf("a floor above lr: %v", err)
	}
	c.LRFloor = 0
	if p := newPlan(c, nil); p.momentum(c.MomentumEpochs-1) != c.MomentumInitial || p.momentum(c.MomentumEpochs) != c.Momentum {
		t.Error("momentum does not switch after momentum_epochs")
	}
}

func abs(x float64) float64 { return max(x, -x) }

// TestStagesHaveTheirSchedules: a staged run (a DBM's two pretraining
// stages, then joint training) runs each stage at its own schedule, the
// last at the run's, counted from the stage's own start, and momentum
// restarts with each stage.
func TestStagesHaveTheirSchedules(t *testing.T) {
	c := Defaults()
	c.Epochs = 4
	c.LR, c.LRFinal, c.LRSchedule = 0.01, 0, ScheduleLinear
	c.MomentumInitial, c.Momentum, c.MomentumEpochs = 0.5, 0.9, 1
	stages := func(pre Schedule) []Stage {
		return []Stage{{Name: "pretraining layer 1/2", Epochs: 2, Schedule: &pre}, {Name: "pretraining layer 2/2", Epochs: 2, Schedule: &pre}, {Name: "joint training", Epochs: c.Epochs}}
	}
	p := newPlan(c, stages(Schedule{Kind: ScheduleConstant, LR: 0.05}))
	const nb = 10 // batches an epoch: 8 epochs, 80 steps
	for _, tc := range []struct {
		step  int64
		epoch int
		want  float64
	}{
		{0, 0, 0.05}, {39, 3, 0.05}, {40, 4, 0.01}, {60, 6, 0.005}, {79, 7, 0.01 * 1 / 40},
	} {
		if got := p.rate(tc.step, nb, tc.epoch); abs(got-tc.want) > 1e-12 {
			t.Errorf("step %d (epoch %d): lr %g, want %g", tc.step, tc.epoch, got, tc.want)
		}
	}
	for epoch, want := range []float64{0.5, 0.9, 0.5, 0.9, 0.5, 0.9, 0.9, 0.9} {
		if got := p.momentum(epoch); got != want {
			t.Errorf("epoch %d: momentum %g, want %g", epoch, got, want)
		}
	}
	first, _ := p.stage(0)
	last, start := p.stage(7)
	if p.epochs() != 8 || first.Name != "pretraining layer 1/2" || last.Name != "joint training" || start != 4 {
		t.Errorf("%d epochs, stages %q … %q (from %d)", p.epochs(), first.Name, last.Name, start)
	}
	// A linear pretraining schedule: each layer's 20 steps decay from 0.05 to 0.01.
	p = newPlan(c, stages(Schedule{Kind: ScheduleLinear, LR: 0.05, Final: 0.01}))
	for _, tc := range []struct {
		step  int64
		epoch int
		want  float64
	}{
		{0, 0, 0.05}, {10, 1, 0.03}, {19, 1, 0.05 - 0.04*19/20}, {20, 2, 0.05}, {30, 3, 0.03}, {40, 4, 0.01}, {60, 6, 0.005},
	} {
		if got := p.rate(tc.step, nb, tc.epoch); abs(got-tc.want) > 1e-12 {
			t.Errorf("decaying pretraining: step %d (epoch %d): lr %g, want %g", tc.step, tc.epoch, got, tc.want)
		}
	}
}
