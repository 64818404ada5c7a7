package ais

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// Chains is a block of AIS chains of one model, each with its own random
// stream, created in the base distribution (β = 0). A model supplies only
// these two steps; [Run] does the rest.
type Chains interface {
	// AddLogRatio adds log f_hi(x) − log f_lo(x) of each chain's state x
	// to its entry of logw.
	AddLogRatio(logw []float64, hi, lo float64)
	// Transition moves every chain by a step that leaves p_β invariant.
	Transition(beta float64)
}

// Run anneals cfg.Runs chains along cfg.Betas: chains lo…hi−1 form one
// block (newBlock(lo, hi)), the blocks (at most blocks of them) run at once
// over the cores, and each chain k = 1…K adds its log weight increment
// before it moves at β_k. Since every chain draws from its own stream, the
// result does not depend on how the chains fall into blocks. cfg.Progress
// hears the first block's progress. Run returns the estimate from the base
// distribution's log Z_0 and every run's log weight; once cfg.Context is
// done, its error ([Config.Err]) instead.
func Run(cfg Config, logZBase float64, blocks int, newBlock func(lo, hi int) Chains) (Estimate, []float64, error) {
	if err := cfg.Validate(); err != nil {
		return Estimate{}, nil, err
	}
	if blocks < 1 {
		return Estimate{}, nil, fmt.Errorf("ais: %d blocks: want at least 1", blocks)
	}
	logw := make([]float64, cfg.Runs)
	blocks = min(blocks, cfg.Runs)
	per := (cfg.Runs + blocks - 1) / blocks
	K := len(cfg.Betas) - 1
	numeric.ParallelFor(blocks, func(blk int) {
		lo, hi := blk*per, min((blk+1)*per, cfg.Runs)
		if lo >= hi {
			return
		}
		c := newBlock(lo, hi)
		for k := 1; k <= K; k++ {
			if cfg.Err() != nil {
				return
			}
			c.AddLogRatio(logw[lo:hi], cfg.Betas[k], cfg.Betas[k-1])
			if blk == 0 && cfg.Progress != nil && (k%100 == 0 || k == K) {
				cfg.Progress(k, K)
			}
			if k < K {
				c.Transition(cfg.Betas[k])
			}
		}
	})
	if err := cfg.Err(); err != nil {
		return Estimate{}, nil, err
	}
	est, err := FromLogWeights(logZBase, logw)
	return est, logw, err
}
