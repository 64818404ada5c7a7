package train

import "math"

// LearningRate is the learning rate of update step (counting from 0) of a
// run of totalSteps updates, during the given epoch (counting from 0).
//
//   - constant: lr throughout.
//   - linear: from lr down to lr_final, step by step (PCD's likelihood
//     gains from a rate that decays towards zero; Tieleman 2008).
//   - exponential: lr·lr_decay^epoch.
func (c Config) LearningRate(step, totalSteps int64, epoch int) float64 {
	switch c.LRSchedule {
	case ScheduleLinear:
		f := float64(step) / float64(max(totalSteps, 1))
		return c.LR + (c.LRFinal-c.LR)*f
	case ScheduleExponential:
		return c.LR * math.Pow(c.LRDecay, float64(epoch))
	}
	return c.LR
}

// MomentumAt is momentum_initial for the first momentum_epochs epochs and
// momentum after (Hinton's practical guide §9: 0.5, then 0.9).
func (c Config) MomentumAt(epoch int) float64 {
	if epoch < c.MomentumEpochs {
		return c.MomentumInitial
	}
	return c.Momentum
}
