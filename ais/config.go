package ais

import (
	"context"
	"errors"
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// Config sets up an annealed importance sampling run of any model.
type Config struct {
	// Betas is the schedule 0 = β_0 < … < β_K = 1 ([ScaledSchedule]).
	Betas []float64
	// Runs is the number of chains of forward AIS, run as one batch.
	Runs int
	// Seed seeds one PCG per chain, so the result does not depend on how
	// the chains are split over goroutines.
	Seed uint64
	// Progress, when set, is called now and then with the transitions done
	// and the total.
	Progress func(done, total int)
	// Context, when set, stops the run once it is done: the loops check
	// it between transitions ([Config.Err]) and return its error. It
	// draws no random number, so a run it does not stop is unchanged.
	Context context.Context
}

// Err is the error of c.Context once it is done, wrapped; nil while it
// runs, or without one. A loop of AIS or RAISE checks it between
// transitions and returns it.
func (c Config) Err() error {
	if c.Context == nil {
		return nil
	}
	if err := c.Context.Err(); err != nil {
		return fmt.Errorf("ais: stopped: %w", err)
	}
	return nil
}

// Validate checks the schedule and the number of runs.
func (c Config) Validate() error {
	b := c.Betas
	if len(b) < 2 || b[0] != 0 || b[len(b)-1] != 1 {
		return errors.New("ais: schedule must run from 0 to 1")
	}
	for i := 1; i < len(b); i++ {
		if !(b[i] > b[i-1]) {
			return fmt.Errorf("ais: schedule not increasing at %d (%g after %g)", i, b[i], b[i-1])
		}
	}
	if c.Runs < 1 {
		return fmt.Errorf("ais: %d runs: want at least 1", c.Runs)
	}
	return nil
}

// BaseRates fits the base model of AIS to binary data [N, D]: independent
// units with b_A,i = log(p_i/(1−p_i)), where p_i is the mean of
// unit i smoothed as Salakhutdinov's reference code does (5 pseudo-counts
// of "on" per 100 images), so that no unit's base rate is 0 or 1.
func BaseRates(data *tensor.Dense) ([]float64, error) {
	s := data.Shape()
	if len(s) != 2 || s[0] == 0 {
		return nil, fmt.Errorf("ais: base rates need a non-empty [N, D] matrix, got %v", s)
	}
	n, d := s[0], s[1]
	count := make([]float64, d)
	switch x := data.Data().(type) {
	case []float32:
		for k, v := range x {
			count[k%d] += float64(v)
		}
	case []float64:
		for k, v := range x {
			count[k%d] += v
		}
	}
	pseudo := 0.05 * float64(n)
	out := make([]float64, d)
	for i, c := range count {
		p := (c + pseudo) / (float64(n) + pseudo)
		out[i] = math.Log(p / (1 - p))
	}
	return out, nil
}
