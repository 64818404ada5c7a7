package ais

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// independentChains anneal n independent binary units from fair coins
// (f_0 = 1, Z_0 = 2^n) to f_1(x) = exp(θᵀx), whose log Z is
// Σ softplus(θ_i); each transition draws afresh from p_β exactly.
type independentChains struct {
	theta []float64
	x     [][]float64
	rngs  []*rand.Rand
}

func newIndependent(theta []float64, seed uint64, lo, hi int) *independentChains {
	c := &independentChains{theta: theta}
	for r := lo; r < hi; r++ {
		rng := rand.New(rand.NewPCG(seed, uint64(r)))
		x := make([]float64, len(theta))
		for i := range x {
			if rng.Float64() < 0.5 {
				x[i] = 1
			}
		}
		c.x, c.rngs = append(c.x, x), append(c.rngs, rng)
	}
	return c
}

func (c *independentChains) AddLogRatio(logw []float64, hi, lo float64) {
	for r, x := range c.x {
		for i, t := range c.theta {
			logw[r] += (hi - lo) * t * x[i]
		}
	}
}

func (c *independentChains) Transition(beta float64) {
	for r, x := range c.x {
		for i, t := range c.theta {
			x[i] = 0
			if c.rngs[r].Float64() < 1/(1+math.Exp(-beta*t)) {
				x[i] = 1
			}
		}
	}
}

// TestRunMatchesExactLogZ: Run's estimate on independent units holds the
// exact log Z within its interval and within 0.05 nats, and the log weights
// do not depend on how the chains fall into blocks.
func TestRunMatchesExactLogZ(t *testing.T) {
	theta := []float64{1.5, -2, 0.3, 3, -0.7, 0}
	exact := 0.0
	for _, x := range theta {
		exact += math.Log1p(math.Exp(x))
	}
	betas, err := ScaledSchedule(2000)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Betas: betas, Runs: 50, Seed: 3}
	newBlock := func(lo, hi int) Chains { return newIndependent(theta, cfg.Seed, lo, hi) }
	base := float64(len(theta)) * math.Ln2
	est, one, err := Run(cfg, base, 1, newBlock)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(est.LogZ-exact) > 0.05 || exact > est.LogZHi || (!math.IsInf(est.LogZLo, -1) && exact < est.LogZLo) {
		t.Errorf("log Z %g [%g, %g], exact %g", est.LogZ, est.LogZLo, est.LogZHi, exact)
	}
	_, seven, err := Run(cfg, base, 7, newBlock)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(one, seven) {
		t.Error("the log weights depend on the number of blocks")
	}
	if _, _, err := Run(cfg, base, 0, newBlock); err == nil {
		t.Error("0 blocks accepted")
	}
	if _, _, err := Run(Config{Betas: []float64{0, 0.5}, Runs: 3}, base, 1, newBlock); err == nil {
		t.Error("a schedule that stops short of 1 accepted")
	}
}

// TestLogSumExp: the one log-space sum, on values whose exponentials
// overflow or underflow, with −∞ terms and none.
func TestLogSumExp(t *testing.T) {
	for _, tc := range []struct {
		x    []float64
		want float64
	}{
		{[]float64{0, 0}, math.Ln2},
		{[]float64{1000, 1000}, 1000 + math.Ln2},
		{[]float64{-1000, -1000, -1000, -1000}, -1000 + 2*math.Ln2},
		{[]float64{math.Inf(-1), 3}, 3},
		{[]float64{2, math.Log(3)}, math.Log(math.Exp(2) + 3)},
		{nil, math.Inf(-1)},
	} {
		if got := LogSumExp(tc.x); got != tc.want && math.Abs(got-tc.want) > 1e-12*math.Abs(tc.want) {
			t.Errorf("LogSumExp(%v) = %v, want %v", tc.x, got, tc.want)
		}
	}
}
