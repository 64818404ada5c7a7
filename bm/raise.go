package bm

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// ErrHiddenCoupled is RAISE's refusal of a machine whose hidden units are
// coupled to one another: its posterior p(h|v) has no closed form, and
// RAISE needs one.
var ErrHiddenCoupled = errors.New("bm: RAISE needs hidden units that are not coupled to one another")

// ReverseApplies says whether RAISE applies: the hidden units are not
// coupled to one another (connectivities rbm and semi, or such a mask).
func (t *Trainer) ReverseApplies() bool { return !t.M.hiddenCoupled() }

// ReverseLogLikelihood bounds log p(v) of each row of test from below by
// RAISE (Burda, Grosse & Salakhutdinov 2015), on the path of
// [Trainer.AnnealLogZ]: p_β(v) ∝ Σ_h exp(−βE(v, h) + (1−β)aᵀv), from the
// training data's base rates a at β = 0 to the machine at β = 1, with the
// hidden units summed out in closed form. Each chain starts at its data
// row and anneals back to the base; the transition at β draws h from
// p_β(h|v) and then sweeps the visible units in a fresh random order, a
// kernel that is its own reversal. One chain per row, one stream a chain.
func (t *Trainer) ReverseLogLikelihood(train, test *tensor.Dense, cfg ais.Config) ([]float64, error) {
	m := t.M
	if m.hiddenCoupled() {
		return nil, ErrHiddenCoupled
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := make([]float64, m.N())
	if train != nil {
		rates, err := ais.BaseRates(train)
		if err != nil {
			return nil, err
		}
		copy(a, rates)
	}
	data, err := rows(test)
	if err != nil {
		return nil, err
	}
	for r, v := range data {
		if len(v) != m.V {
			return nil, fmt.Errorf("bm: test row %d has %d values for %d visible units", r, len(v), m.V)
		}
	}
	logZ0 := enumerate.IndependentLogZ(a)
	betas := cfg.Betas
	K := len(betas) - 1
	out := make([]float64, len(data))
	numeric.ParallelRange(len(data), 1, func(lo, hi int) {
		s := make([]float64, m.N())
		order := make([]int, m.V)
		for r := lo; r < hi; r++ {
			rng := rand.New(rand.NewPCG(cfg.Seed, uint64(r)))
			clear(s)
			copy(s, data[r])
			acc := m.logTempered(s, a, 1)
			for k := K; k >= 1; k-- {
				if cfg.Err() != nil {
					return
				}
				m.reversibleSweep(s, a, betas[k], order, rng)
				acc += m.logTempered(s, a, betas[k-1]) - m.logTempered(s, a, betas[k])
			}
			out[r] = acc - logZ0
		}
	})
	if err := cfg.Err(); err != nil {
		return nil, err
	}
	if cfg.Progress != nil {
		cfg.Progress(K, K)
	}
	return out, nil
}

// logTempered is log f_β(v) = log Σ_h exp(−βE(v, h) + (1−β)aᵀv), hidden
// units summed out in closed form (they are not coupled to one another and
// their base biases are zero), for the visible values in s[:V]; a nil a is
// no base (at β = 1, −F(v)). It leaves the hidden units of s off.
func (m *Machine) logTempered(s, a []float64, beta float64) float64 {
	clear(s[m.V:])
	f := -beta * m.Energy(s)
	if a != nil {
		f += (1 - beta) * dot(a[:m.V], s[:m.V])
	}
	for j := m.V; j < m.N(); j++ {
		f += numeric.Softplus(beta * m.Gap(s, j))
	}
	return f
}

// reversibleSweep draws the hidden units from p_β(h|v), then updates each
// visible unit given the rest at β in a fresh random order, and leaves the
// hidden units off: on v, a transition that leaves p_β(v) invariant and is
// its own reversal.
func (m *Machine) reversibleSweep(s, a []float64, beta float64, order []int, rng *rand.Rand) {
	clear(s[m.V:])
	for j := m.V; j < m.N(); j++ {
		s[j] = bernoulli(numeric.Sigmoid(beta*m.Gap(s, j)), rng)
	}
	for i := range order {
		order[i] = i
	}
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for _, i := range order {
		s[i] = bernoulli(numeric.Sigmoid(beta*m.Gap(s, i)+(1-beta)*a[i]), rng)
	}
	clear(s[m.V:])
}

func dot(x, y []float64) float64 {
	t := 0.0
	for i := range x {
		t += x[i] * y[i]
	}
	return t
}
