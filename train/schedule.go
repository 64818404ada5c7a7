package train

import "math"

// LearningRate is the learning rate of update step (counting from 0) of a
// run of totalSteps updates, during the given epoch (counting from 0).
//
//   - constant: lr throughout.
//   - linear: from lr down to lr_final, step by step (PCD's likelihood
//     gains from a rate that decays towards zero; Tieleman 2008).
//   - exponential: lr·lr_decay^epoch, never below lr_floor.
//
// A DBM's pretraining epochs run at pretrain_lr, or decay linearly to
// pretrain_lr_final over each layer's epochs when it is set; the schedule
// applies to its joint epochs, counted from their start.
func (c Config) LearningRate(step, totalSteps int64, epoch int) float64 {
	first, length, pre := c.stage(epoch)
	if all := c.TotalEpochs(); (first > 0 || pre) && all > 0 {
		skip := totalSteps * int64(first) / int64(all)
		step, totalSteps, epoch = step-skip, totalSteps*int64(length)/int64(all), epoch-first
	}
	if pre {
		if c.PretrainLRFinal <= 0 {
			return c.PretrainLR
		}
		f := float64(step) / float64(max(totalSteps, 1))
		return c.PretrainLR + (c.PretrainLRFinal-c.PretrainLR)*f
	}
	switch c.LRSchedule {
	case ScheduleLinear:
		f := float64(step) / float64(max(totalSteps, 1))
		return c.LR + (c.LRFinal-c.LR)*f
	case ScheduleExponential:
		return max(c.LR*math.Pow(c.LRDecay, float64(epoch)), c.LRFloor)
	}
	return c.LR
}

// MomentumAt is momentum_initial for the first momentum_epochs epochs and
// momentum after (Hinton's practical guide §9: 0.5, then 0.9).
//
// For a DBM the epochs count from the start of each stage (each layer's
// pretraining, then joint training).
func (c Config) MomentumAt(epoch int) float64 {
	first, _, _ := c.stage(epoch)
	if epoch-first < c.MomentumEpochs {
		return c.MomentumInitial
	}
	return c.Momentum
}
