package bm

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
)

// MaxExact is the most units the exact sums enumerate (2^22 states).
const MaxExact = 22

func (m *Machine) checkExact() error {
	if m.N() > MaxExact {
		return fmt.Errorf("bm: %d units are too many to enumerate (at most %d)", m.N(), MaxExact)
	}
	return nil
}

// LogZ is log Σ_s exp(−E(s)/T) over every state, by enumeration.
func (m *Machine) LogZ(t float64) (float64, error) {
	if err := m.checkExact(); err != nil {
		return 0, err
	}
	return enumerate.LogZ(m.N(), func(s []float64) float64 { return m.Energy(s) / t }), nil
}

// Probabilities returns p(s) at temperature T for every state, state k
// having unit i equal to bit i of k.
func (m *Machine) Probabilities(t float64) ([]float64, error) {
	logZ, err := m.LogZ(t)
	if err != nil {
		return nil, err
	}
	p := make([]float64, 0, 1<<m.N())
	enumerate.States(m.N(), func(s []float64) { p = append(p, math.Exp(-m.Energy(s)/t-logZ)) })
	return p, nil
}

// logMarginal is log Σ_h exp(−E(v, h)) for visible values v.
func (m *Machine) logMarginal(v []float64) float64 {
	s := make([]float64, m.N())
	copy(s, v)
	sum := ais.NewLogSum()
	enumerate.States(m.H, func(h []float64) {
		copy(s[m.V:], h)
		sum.Add(-m.Energy(s))
	})
	return sum.Value()
}

// LogLikelihood is the mean log p(v) of the rows of data (each V values,
// 0 or 1), exactly.
func (m *Machine) LogLikelihood(data [][]float64) (float64, error) {
	logZ, err := m.LogZ(1)
	if err != nil {
		return 0, err
	}
	total := 0.0
	for _, v := range data {
		total += m.logMarginal(v) - logZ
	}
	return total / float64(len(data)), nil
}

// Stats are the sufficient statistics of a phase: ⟨s_i s_j⟩ ([N, N],
// row-major) and ⟨s_i⟩.
type Stats struct {
	SS []float64
	S  []float64
}

func newStats(n int) Stats { return Stats{SS: make([]float64, n*n), S: make([]float64, n)} }

// add accumulates weight·s sᵀ and weight·s.
func (st Stats) add(s []float64, weight float64) {
	n := len(s)
	for i, x := range s {
		if x == 0 {
			continue
		}
		st.S[i] += weight * x
		row := st.SS[i*n : (i+1)*n]
		for j, y := range s {
			row[j] += weight * x * y
		}
	}
}

func (st Stats) scale(c float64) {
	for i := range st.SS {
		st.SS[i] *= c
	}
	for i := range st.S {
		st.S[i] *= c
	}
}

// ExactStats returns the exact clamped statistics of data (the visible
// units set to each row, the hidden ones at p(h|v)) and the exact free
// statistics of the model, at T = 1.
func (m *Machine) ExactStats(data [][]float64) (clamped, free Stats, err error) {
	if err := m.checkExact(); err != nil {
		return Stats{}, Stats{}, err
	}
	n := m.N()
	clamped, free = newStats(n), newStats(n)
	s := make([]float64, n)
	for _, v := range data {
		copy(s, v)
		lm := m.logMarginal(v)
		enumerate.States(m.H, func(h []float64) {
			copy(s[m.V:], h)
			clamped.add(s, math.Exp(-m.Energy(s)-lm)/float64(len(data)))
		})
	}
	p, err := m.Probabilities(1)
	if err != nil {
		return Stats{}, Stats{}, err
	}
	k := 0
	enumerate.States(n, func(s []float64) {
		free.add(s, p[k])
		k++
	})
	return clamped, free, nil
}

// ExactGradient is the gradient of the mean log-likelihood of data with
// respect to W (masked, [N, N]) and b: ⟨s_i s_j⟩_data − ⟨s_i s_j⟩_model and
// ⟨s_i⟩_data − ⟨s_i⟩_model.
func (m *Machine) ExactGradient(data [][]float64) (dW, db []float64, err error) {
	c, f, err := m.ExactStats(data)
	if err != nil {
		return nil, nil, err
	}
	dW, db = m.difference(c, f)
	return dW, db, nil
}

// difference is the masked ⟨·⟩⁺ − ⟨·⟩⁻ of two phases.
func (m *Machine) difference(plus, minus Stats) (dW, db []float64) {
	mask := m.mask()
	dW = make([]float64, len(plus.SS))
	for i := range dW {
		dW[i] = mask[i] * (plus.SS[i] - minus.SS[i])
	}
	db = make([]float64, len(plus.S))
	for i := range db {
		db[i] = plus.S[i] - minus.S[i]
	}
	return dW, db
}
