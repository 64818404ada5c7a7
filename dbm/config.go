package dbm

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/train"
)

// TrainConfig is the DBM trainer's part of a run's configuration.
type TrainConfig struct {
	// PretrainEpochs is the number of epochs each layer's RBM of the greedy
	// stack trains for (0: no pretraining); joint training follows.
	PretrainEpochs int
	// PretrainK is the number of Gibbs steps of the pretraining RBMs' CD
	// (0 or 1: CD-1).
	PretrainK int
	// PretrainLR is the pretraining RBMs' learning rate, constant, or
	// decayed linearly over each layer's epochs to PretrainLRFinal when
	// that is positive (0 when the run's schedule is to serve).
	PretrainLR, PretrainLRFinal float64
	// PretrainSample makes pretraining binary throughout, as the reference
	// code is: the RBMs' reconstructions are sampled states, not
	// probabilities, and each layer's data is a sample of the states below
	// carried up, not their probabilities.
	PretrainSample bool
	// K is the number of Gibbs sweeps of the persistent chains per update.
	K int
	// Chains is the number of persistent chains (fantasy particles).
	Chains int
	// MeanField sets the positive phase's fixed-point iteration.
	MeanField MeanFieldConfig
	// WeightDecay is the L2 penalty on the couplings in joint training,
	// PretrainWeightDecay in pretraining (the reference code: 2e-4 and 1e-3).
	WeightDecay, PretrainWeightDecay float64
	// SparsityTarget, when positive, pulls each hidden unit's mean activity
	// on the data towards it through its bias, with weight SparsityCost.
	SparsityTarget, SparsityCost float64
}

func (c TrainConfig) check() error {
	if c.PretrainEpochs < 0 || c.PretrainK < 0 || c.K < 1 || c.Chains < 1 || c.MeanField.Iters < 1 || c.MeanField.Tol < 0 ||
		c.WeightDecay < 0 || c.PretrainWeightDecay < 0 || c.SparsityTarget < 0 || c.SparsityTarget >= 1 || c.SparsityCost < 0 {
		return fmt.Errorf("dbm: training config %+v out of range", c)
	}
	return nil
}

// Stages are the stages of a DBM of depth hidden layers trained as c
// says: greedy pretraining, PretrainEpochs for each hidden layer at
// PretrainLR (decayed linearly to PretrainLRFinal when that is set), then
// joint training for epochs at the run's schedule.
func (c TrainConfig) Stages(depth, epochs int) []train.Stage {
	var out []train.Stage
	if p := c.PretrainEpochs; p > 0 {
		s := &train.Schedule{Kind: train.ScheduleConstant, LR: c.PretrainLR}
		if c.PretrainLRFinal > 0 {
			s = &train.Schedule{Kind: train.ScheduleLinear, LR: c.PretrainLR, Final: c.PretrainLRFinal}
		}
		for l := range depth {
			out = append(out, train.Stage{Name: fmt.Sprintf("pretraining layer %d/%d", l+1, depth), Epochs: p, Schedule: s})
		}
	}
	return append(out, train.Stage{Name: "joint training", Epochs: epochs})
}
