package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// Trace records a run of the dynamics.
type Trace struct {
	// Energies holds H after the start and after every unit that changed
	// (asynchronous) or every step (synchronous).
	Energies []float64
	// Sweeps is the number of passes over the units (asynchronous) or
	// synchronous steps taken.
	Sweeps int
	// Flips counts the unit changes.
	Flips int
	// FixedPoint is true when the run ended in a state that no update
	// changes; TwoCycle when synchronous updates alternate between two states.
	FixedPoint, TwoCycle bool
}

// Final is the last recorded energy.
func (t Trace) Final() float64 { return t.Energies[len(t.Energies)-1] }

// fields holds λ = Js + θ up to date as units flip: a flip of unit i by Δ
// changes every λ_j by J_ji·Δ, so each update costs O(N), not O(N²).
type fields struct {
	h      *Network
	lambda []float64
}

func (h *Network) newFields(s []float64) *fields {
	return &fields{h: h, lambda: h.Fields(s)}
}

// set changes unit i of s to v and updates the fields; it returns ΔH.
func (f *fields) set(s []float64, i int, v float64) float64 {
	d := v - s[i]
	if d == 0 {
		return 0
	}
	s[i] = v
	n := f.h.n
	col := f.h.couplings()[i*n : (i+1)*n] // row i = column i (J symmetric)
	for j, x := range col {
		f.lambda[j] += x * d
	}
	// λ_i has no self-coupling term, so ΔH = −Δs_i·λ_i exactly.
	return -d * f.lambda[i]
}

func (h *Network) checkState(s []float64) {
	if len(s) != h.n {
		panic(fmt.Sprintf("hopfield: state of %d units for a network of %d", len(s), h.n))
	}
}

// Descend runs asynchronous T = 0 updates in a fresh random order each
// sweep until a sweep changes nothing (a fixed point) or maxSweeps pass.
// s is updated in place.
func (h *Network) Descend(s []float64, maxSweeps int, rng *rand.Rand) Trace {
	h.checkState(s)
	f := h.newFields(s)
	t := Trace{Energies: []float64{h.Energy(s)}}
	order := rng.Perm(h.n)
	for t.Sweeps < maxSweeps {
		t.Sweeps++
		shuffle(order, rng)
		changed := 0
		for _, i := range order {
			v := sign(f.lambda[i], s[i])
			if v != s[i] {
				t.Energies = append(t.Energies, t.Final()+f.set(s, i, v))
				changed++
			}
		}
		t.Flips += changed
		if changed == 0 {
			t.FixedPoint = true
			break
		}
	}
	return t
}

func shuffle(p []int, rng *rand.Rand) {
	rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
}

// Synchronous updates every unit at once from the same fields, s ←
// sign(Js + θ), until a fixed point or a two-cycle (the state two steps back
// returns), or maxSteps.
func (h *Network) Synchronous(s []float64, maxSteps int) Trace {
	h.checkState(s)
	t := Trace{Energies: []float64{h.Energy(s)}}
	prev := append([]float64(nil), s...)
	for t.Sweeps < maxSteps {
		t.Sweeps++
		lambda := h.Fields(s)
		before := append([]float64(nil), s...)
		changed := 0
		for i, l := range lambda {
			if v := sign(l, s[i]); v != s[i] {
				s[i] = v
				changed++
			}
		}
		t.Flips += changed
		t.Energies = append(t.Energies, h.Energy(s))
		if changed == 0 {
			t.FixedPoint = true
			break
		}
		if t.Sweeps > 1 && equal(s, prev) {
			t.TwoCycle = true
			break
		}
		prev = before
	}
	return t
}

func equal(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Glauber runs sweeps of heat-bath updates at temperature T > 0, each unit
// in a fresh random order set to +1 with probability σ(2λ_i/T), which leaves
// exp(−H/T)/Z invariant. It returns H after each sweep.
func (h *Network) Glauber(s []float64, temperature float64, sweeps int, rng *rand.Rand) []float64 {
	return h.heatBath(s, temperature, sweeps, rng.Perm(h.n), false, nil, rng)
}

// GlauberUnits is Glauber on the listed units alone (the others stay
// clamped), in a fresh random order each sweep, or in the listed order when
// fixed is set. It leaves the conditional distribution of the listed units
// given the others, exp(−H/T), invariant.
func (h *Network) GlauberUnits(s []float64, temperature float64, sweeps int, units []int, fixed bool, rng *rand.Rand) []float64 {
	return h.GlauberUnitsVisit(s, temperature, sweeps, units, fixed, nil, rng)
}

// GlauberUnitsVisit is GlauberUnits that calls visit, when not nil, with
// the state after every single-unit update: for averages over every probe
// of a run rather than over the states a sweep ends in (visit must not
// change the state).
func (h *Network) GlauberUnitsVisit(s []float64, temperature float64, sweeps int, units []int, fixed bool, visit func(s []float64), rng *rand.Rand) []float64 {
	for _, i := range units {
		if i < 0 || i >= h.n {
			panic(fmt.Sprintf("hopfield: unit %d of a network of %d", i, h.n))
		}
	}
	return h.heatBath(s, temperature, sweeps, append([]int(nil), units...), fixed, visit, rng)
}

func (h *Network) heatBath(s []float64, temperature float64, sweeps int, order []int, fixed bool, visit func([]float64), rng *rand.Rand) []float64 {
	h.checkState(s)
	f := h.newFields(s)
	e := h.Energy(s)
	out := make([]float64, 0, sweeps)
	for range sweeps {
		if !fixed {
			shuffle(order, rng)
		}
		for _, i := range order {
			v := -1.0
			if rng.Float64() < numeric.Sigmoid(2*f.lambda[i]/temperature) {
				v = 1
			}
			e += f.set(s, i, v)
			if visit != nil {
				visit(s)
			}
		}
		out = append(out, e)
	}
	return out
}

// Schedule is a sequence of decreasing temperatures.
type Schedule []float64

// Geometric returns steps temperatures from t0 to t1 with a constant ratio.
func Geometric(t0, t1 float64, steps int) (Schedule, error) {
	if !(t0 > 0 && t1 > 0 && t1 <= t0) || steps < 1 {
		return nil, fmt.Errorf("hopfield: geometric schedule from %g to %g in %d steps: want 0 < t1 ≤ t0 and steps ≥ 1", t0, t1, steps)
	}
	s := make(Schedule, steps)
	for k := range s {
		s[k] = t0 * math.Pow(t1/t0, float64(k)/float64(max(steps-1, 1)))
	}
	return s, nil
}

// Linear returns steps temperatures from t0 down to t1 in equal steps.
func Linear(t0, t1 float64, steps int) (Schedule, error) {
	if !(t0 > 0 && t1 > 0 && t1 <= t0) || steps < 1 {
		return nil, fmt.Errorf("hopfield: linear schedule from %g to %g in %d steps: want 0 < t1 ≤ t0 and steps ≥ 1", t0, t1, steps)
	}
	s := make(Schedule, steps)
	for k := range s {
		s[k] = t0 + (t1-t0)*float64(k)/float64(max(steps-1, 1))
	}
	return s, nil
}

// Anneal runs sweepsPerT Glauber sweeps at each temperature of the
// schedule, then T = 0 descent to a fixed point (simulated annealing). The
// trace's energies are those of the final descent, starting where the
// annealing left off.
func (h *Network) Anneal(s []float64, sched Schedule, sweepsPerT, maxSweeps int, rng *rand.Rand) Trace {
	for _, temp := range sched {
		h.Glauber(s, temp, sweepsPerT, rng)
	}
	return h.Descend(s, maxSweeps, rng)
}
