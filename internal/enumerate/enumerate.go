// Package enumerate sums over every state of tiny binary models: the
// brute-force partition functions that the estimators' tests (exact log Z
// by summing out a layer, AIS, RAISE, the samplers' marginals) are held to,
// written once, as gonum's optimize/functions holds standard problems.
package enumerate

import (
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// MaxUnits bounds the units of a brute-force sum (2^24 states).
const MaxUnits = 24

// States calls f with every binary state of n units (values 0 and 1), unit
// k being bit k of the state's index, in the order of the index. f must not
// keep x, which the next call overwrites. It panics beyond MaxUnits: a
// test's model is too large.
func States(n int, f func(x []float64)) {
	if n > MaxUnits {
		panic("enumerate: too many units for a brute-force sum")
	}
	x := make([]float64, n)
	for s := uint64(0); s < 1<<n; s++ {
		for k := range x {
			x[k] = float64(s >> k & 1)
		}
		f(x)
	}
}

// LogZ is log Σ_x e^{−E(x)} over every binary state x of n units.
func LogZ(n int, energy func(x []float64) float64) float64 {
	sum := numeric.NewLogSum()
	States(n, func(x []float64) { sum.Add(-energy(x)) })
	return sum.Value()
}

// IndependentLogZ is the exact log Z of independent binary units with
// biases a, p(x) ∝ e^{aᵀx}: Σ_i log(1 + e^{a_i}).
func IndependentLogZ(a []float64) float64 {
	z := 0.0
	for _, x := range a {
		z += numeric.Softplus(x)
	}
	return z
}
