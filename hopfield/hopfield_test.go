package hopfield

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randomPatterns(p, n int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, p)
	for k := range out {
		out[k] = make([]float64, n)
		for i := range n {
			out[k][i] = float64(2*rng.IntN(2) - 1)
		}
	}
	return out
}

// randomNetwork has symmetric Gaussian couplings, zero diagonal, and
// Gaussian thresholds: a spin glass.
func randomNetwork(t testing.TB, n int, rng *rand.Rand) *Network {
	h, err := New(n)
	if err != nil {
		t.Fatal(err)
	}
	j := h.couplings()
	for a := range n {
		for b := a + 1; b < n; b++ {
			x := rng.NormFloat64() / math.Sqrt(float64(n))
			j[a*n+b], j[b*n+a] = x, x
		}
		h.thresholds()[a] = 0.3 * rng.NormFloat64()
	}
	return h
}

func randomState(n int, rng *rand.Rand) []float64 { return randomPatterns(1, n, rng)[0] }

// TestDescentNeverRaisesEnergy is a property test: over many random
// symmetric networks and starts, every asynchronous T = 0 update lowers H
// or leaves it, the run ends in a fixed point, and the tracked energy equals
// H recomputed from scratch.
func TestDescentNeverRaisesEnergy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 2 + rng.IntN(60)
		h := randomNetwork(t, n, rng)
		s := randomState(n, rng)
		tr := h.Descend(s, 1000, rng)
		for k := 1; k < len(tr.Energies); k++ {
			if tr.Energies[k] > tr.Energies[k-1]+1e-12 {
				t.Fatalf("trial %d (N=%d): energy rose from %g to %g at flip %d", trial, n, tr.Energies[k-1], tr.Energies[k], k)
			}
		}
		if !tr.FixedPoint {
			t.Fatalf("trial %d: no fixed point after %d sweeps", trial, tr.Sweeps)
		}
		if e := h.Energy(s); math.Abs(e-tr.Final()) > 1e-9 {
			t.Fatalf("trial %d: tracked energy %g, recomputed %g", trial, tr.Final(), e)
		}
		for i, l := range h.Fields(s) {
			if l*s[i] < 0 {
				t.Fatalf("trial %d: unit %d disagrees with its field at the fixed point", trial, i)
			}
		}
	}
}

func TestPseudoInverseFixedPoints(t *testing.T) {
	const n = 60
	rng := rand.New(rand.NewPCG(3, 4))
	for _, p := range []int{1, 10, 30, 45, 59} {
		h, _ := New(n)
		pats := randomPatterns(p, n, rng)
		if err := h.Store(PseudoInverse, pats); err != nil {
			t.Fatal(err)
		}
		if err := h.Check(); err != nil {
			t.Fatal(err)
		}
		for k, xi := range pats {
			for i, l := range h.Fields(xi) {
				if l*xi[i] <= 0 {
					t.Fatalf("P=%d: pattern %d is not a fixed point (unit %d, field %g)", p, k, i, l)
				}
			}
		}
	}
	h, _ := New(4)
	dup := [][]float64{{1, 1, -1, -1}, {1, 1, -1, -1}}
	if err := h.Store(PseudoInverse, dup); err == nil {
		t.Error("linearly dependent patterns accepted")
	}
}

// recalled counts patterns that T = 0 descent from the pattern itself
// leaves with overlap above 0.95.
func recalled(h *Network, pats [][]float64, rng *rand.Rand) int {
	ok := 0
	for _, xi := range pats {
		s := append([]float64(nil), xi...)
		h.Descend(s, 100, rng)
		if Overlap(xi, s) > 0.95 {
			ok++
		}
	}
	return ok
}

func TestRulesCapacity(t *testing.T) {
	const n = 300
	rng := rand.New(rand.NewPCG(5, 6))
	low := randomPatterns(15, n, rng)  // α = 0.05: every rule recalls all
	high := randomPatterns(75, n, rng) // α = 0.25: beyond Hebbian's 0.138
	count := map[Rule][2]int{}
	for _, rule := range []Rule{Hebbian, Storkey, PseudoInverse} {
		h, _ := New(n)
		if err := h.Store(rule, low); err != nil {
			t.Fatal(err)
		}
		if err := h.Check(); err != nil {
			t.Fatalf("%s: %v", rule, err)
		}
		a := recalled(h, low, rng)
		if err := h.Store(rule, high); err != nil {
			t.Fatal(err)
		}
		count[rule] = [2]int{a, recalled(h, high, rng)}
	}
	t.Logf("recalled at α=0.05 and α=0.25: %v", count)
	for rule, c := range count {
		if c[0] != 15 {
			t.Errorf("%s recalled %d of 15 patterns at α = 0.05", rule, c[0])
		}
	}
	if !(count[Hebbian][1] < 75/2 && count[Storkey][1] > count[Hebbian][1] && count[PseudoInverse][1] == 75) {
		t.Errorf("at α = 0.25: Hebbian %d, Storkey %d, pseudo-inverse %d of 75; want Hebbian below half, Storkey above Hebbian, pseudo-inverse all",
			count[Hebbian][1], count[Storkey][1], count[PseudoInverse][1])
	}
}

func TestRecallFromNoise(t *testing.T) {
	const n = 400
	rng := rand.New(rand.NewPCG(7, 8))
	pats := randomPatterns(10, n, rng)
	h, _ := New(n)
	_ = h.Store(Hebbian, pats)
	for k, xi := range pats {
		s := append([]float64(nil), xi...)
		for _, i := range rng.Perm(n)[:n/5] { // 20% of the pixels flipped
			s[i] = -s[i]
		}
		h.Descend(s, 100, rng)
		if m := Overlap(xi, s); m < 0.99 {
			t.Errorf("pattern %d: overlap %.3f after recall from 20%% noise", k, m)
		}
	}
}

func TestSynchronousTwoCycle(t *testing.T) {
	h, _ := New(2)
	h.couplings()[1], h.couplings()[2] = -1, -1 // antiferromagnetic pair
	s := []float64{1, 1}
	tr := h.Synchronous(s, 10)
	if !tr.TwoCycle || tr.FixedPoint {
		t.Errorf("trace %+v: want a two-cycle", tr)
	}
	h.couplings()[1], h.couplings()[2] = 1, 1
	s = []float64{1, -1}
	tr = h.Synchronous(s, 10)
	if tr.FixedPoint || !tr.TwoCycle {
		t.Errorf("ferromagnetic pair from (1,−1): %+v; synchronous updates swap the two forever", tr)
	}
	s = []float64{1, 1}
	if tr = h.Synchronous(s, 10); !tr.FixedPoint {
		t.Errorf("ferromagnetic pair from (1,1): %+v; want a fixed point", tr)
	}
}

// TestGlauberSamplesBoltzmann compares the histogram of a long heat-bath
// run on 6 units with exp(−H/T)/Z by enumeration.
func TestGlauberSamplesBoltzmann(t *testing.T) {
	const n = 6
	rng := rand.New(rand.NewPCG(9, 10))
	h := randomNetwork(t, n, rng)
	// At these temperatures the chain crosses its energy barriers often, so
	// 100,000 sweeps sample the distribution and not one mode of it.
	for _, temp := range []float64{0.4, 1.5} {
		exact := make([]float64, 1<<n)
		z := 0.0
		for st := range exact {
			s := make([]float64, n)
			for i := range n {
				s[i] = float64(2*(st>>i&1) - 1)
			}
			exact[st] = math.Exp(-h.Energy(s) / temp)
			z += exact[st]
		}
		count := make([]float64, 1<<n)
		s := randomState(n, rng)
		h.Glauber(s, temp, 200, rng)
		const draws = 100000
		for range draws {
			h.Glauber(s, temp, 1, rng)
			count[stateIndex(s)]++
		}
		if tv := totalVariation(count, exact, z); tv > 0.02 {
			t.Errorf("T=%g: total variation %.4f between Glauber samples and exp(−H/T)/Z, want < 0.02", temp, tv)
		}
	}
}

func TestAnnealingAndSchedules(t *testing.T) {
	g, err := Geometric(4, 0.05, 5)
	if err != nil || math.Abs(g[0]-4) > 1e-12 || math.Abs(g[4]-0.05) > 1e-12 || math.Abs(g[1]/g[0]-g[2]/g[1]) > 1e-12 {
		t.Errorf("geometric schedule %v, %v", g, err)
	}
	l, err := Linear(2, 1, 3)
	if err != nil || l[1] != 1.5 {
		t.Errorf("linear schedule %v, %v", l, err)
	}
	if _, err := Geometric(1, 2, 3); err == nil {
		t.Error("rising schedule accepted")
	}
	// On a 200-unit spin glass, annealing ends lower than descent, on average.
	rng := rand.New(rand.NewPCG(11, 12))
	h := randomNetwork(t, 200, rng)
	sched, _ := Geometric(2, 0.05, 40)
	var descent, anneal float64
	for range 10 {
		start := randomState(200, rng)
		a, b := append([]float64(nil), start...), append([]float64(nil), start...)
		descent += h.Descend(a, 1000, rng).Final() / 10
		anneal += h.Anneal(b, sched, 5, 1000, rng).Final() / 10
	}
	t.Logf("mean final energy: descent %.3f, annealing %.3f", descent, anneal)
	if !(anneal < descent) {
		t.Errorf("annealing ended at %.3f, descent at %.3f: want annealing lower", anneal, descent)
	}
}

func TestDenseMemoryStoresBeyondHebbianCapacity(t *testing.T) {
	const n, p = 100, 40 // α = 0.4, three times Hebbian capacity
	rng := rand.New(rand.NewPCG(13, 14))
	pats := randomPatterns(p, n, rng)
	h, _ := New(n)
	_ = h.Store(Hebbian, pats)
	hebb := recalled(h, pats, rng)
	for _, f := range []Interaction{{Degree: 3}, {Degree: 4}, {Exponential: true}} {
		d, err := NewDenseMemory(pats, f)
		if err != nil {
			t.Fatal(err)
		}
		ok := 0
		for _, xi := range pats {
			s := append([]float64(nil), xi...)
			for _, i := range rng.Perm(n)[:10] {
				s[i] = -s[i]
			}
			tr := d.Descend(s, 100, rng)
			for k := 1; k < len(tr.Energies); k++ {
				if tr.Energies[k] > tr.Energies[k-1]+1e-9 {
					t.Fatalf("%+v: energy rose", f)
				}
			}
			if Overlap(xi, s) > 0.95 {
				ok++
			}
		}
		t.Logf("%+v recalled %d of %d from 10%% noise (Hebbian, from the pattern itself: %d)", f, ok, p, hebb)
		if ok != p {
			t.Errorf("%+v recalled %d of %d patterns", f, ok, p)
		}
	}
	if hebb > p/2 {
		t.Errorf("Hebbian recalled %d of %d at α = 0.4", hebb, p)
	}
}

func TestPrototypesAreDistinctClusterMeans(t *testing.T) {
	// Two classes, each a mixture of two clearly different 4-pixel images.
	images := []float64{}
	labels := []int{}
	shapes := [][]float64{{1, 1, 0, 0}, {0, 0, 1, 1}, {1, 0, 1, 0}, {0, 1, 0, 1}}
	for k := range 40 {
		images = append(images, shapes[k%4]...)
		labels = append(labels, (k%4)/2)
	}
	pats, labs, err := Prototypes(images, 4, labels, 2, 2, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if len(pats) != 4 {
		t.Fatalf("%d prototypes", len(pats))
	}
	seen := map[string]int{}
	for k, p := range pats {
		seen[fmt.Sprint(p)] = labs[k]
	}
	for k, sh := range shapes {
		if l, ok := seen[fmt.Sprint(Spins(sh))]; !ok || l != k/2 {
			t.Errorf("shape %v of class %d is not among the prototypes %v", sh, k/2, pats)
		}
	}
	if _, _, err := Prototypes(images, 4, labels, 2, 100, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("more prototypes than images accepted")
	}
}

// TestLatticeSamplesBoltzmann checks the lattice sampler on a 3×3 torus
// (512 states) against exp(−H/T)/Z by enumeration, and its energy against
// a dense Network with the same couplings.
func TestLatticeSamplesBoltzmann(t *testing.T) {
	l, _ := NewLattice(3)
	net, _ := New(9)
	j := net.couplings()
	for r := range 3 {
		for c := range 3 {
			i := r*3 + c
			for _, nb := range []int{r*3 + (c+1)%3, ((r+1)%3)*3 + c} {
				j[i*9+nb]++
				j[nb*9+i]++
			}
		}
	}
	rng := rand.New(rand.NewPCG(21, 22))
	const temp = 3.0
	exact := make([]float64, 512)
	z := 0.0
	for st := range exact {
		s := make([]float64, 9)
		for i := range 9 {
			s[i] = float64(2*(st>>i&1) - 1)
			l.S[i] = int8(s[i])
		}
		if math.Abs(l.Energy()-net.Energy(s)) > 1e-12 {
			t.Fatalf("state %d: lattice energy %g, dense network %g", st, l.Energy(), net.Energy(s))
		}
		exact[st] = math.Exp(-l.Energy() / temp)
		z += exact[st]
	}
	count := make([]float64, 512)
	const draws = 300000
	for range draws {
		l.Sweep(temp, rng)
		count[stateIndex(l.S)]++
	}
	if tv := totalVariation(count, exact, z); tv > 0.02 {
		t.Errorf("total variation %.4f between lattice samples and exp(−H/T)/Z", tv)
	}
}

func TestOnsager(t *testing.T) {
	if math.Abs(CriticalTemperature-2.269185314) > 1e-9 {
		t.Errorf("T_c = %.10f", CriticalTemperature)
	}
	if m := OnsagerMagnetisation(2.0); math.Abs(m-0.911319) > 1e-5 {
		t.Errorf("M(2.0) = %.6f, want 0.911319", m)
	}
	if OnsagerMagnetisation(2.3) != 0 {
		t.Error("magnetisation above T_c")
	}
	// A 32×32 lattice at T = 1.8 stays ordered with |m| near the exact value.
	l, _ := NewLattice(32)
	rng := rand.New(rand.NewPCG(1, 1))
	sum := 0.0
	for k := range 3000 {
		l.Sweep(1.8, rng)
		if k >= 1000 {
			sum += math.Abs(l.Magnetisation()) / 2000
		}
	}
	if want := OnsagerMagnetisation(1.8); math.Abs(sum-want) > 0.01 {
		t.Errorf("|m|(1.8) on 32×32 = %.4f, exact %.4f", sum, want)
	}
}

// stateIndex numbers a ±1 state by its bits: unit i up sets bit i.
func stateIndex[T float64 | int8](s []T) int {
	st := 0
	for i, x := range s {
		if x > 0 {
			st |= 1 << i
		}
	}
	return st
}

// totalVariation is ½ Σ |count/Σcount − weight/z| between a histogram of
// states and unnormalised exact weights with normaliser z.
func totalVariation(count, weight []float64, z float64) float64 {
	n := 0.0
	for _, c := range count {
		n += c
	}
	tv := 0.0
	for st := range weight {
		tv += math.Abs(count[st]/n-weight[st]/z) / 2
	}
	return tv
}

// TestGlauberUnitsVisitSeesEveryUpdate: the visit sees the state after
// each single-unit update (sweeps × units of them, each differing from the
// one before in at most the unit just updated, the last one the final
// state), and visiting changes neither the dynamics nor the random stream.
func TestGlauberUnitsVisitSeesEveryUpdate(t *testing.T) {
	const n, sweeps = 7, 30
	units := []int{1, 2, 4, 6}
	rng := rand.New(rand.NewPCG(11, 12))
	h := randomNetwork(t, n, rng)
	start := randomState(n, rng)

	plain := append([]float64(nil), start...)
	h.GlauberUnits(plain, 0.8, sweeps, units, false, rand.New(rand.NewPCG(3, 4)))

	visited := append([]float64(nil), start...)
	var states [][]float64
	h.GlauberUnitsVisit(visited, 0.8, sweeps, units, false, func(s []float64) {
		states = append(states, append([]float64(nil), s...))
	}, rand.New(rand.NewPCG(3, 4)))

	if len(states) != sweeps*len(units) {
		t.Fatalf("visited %d states, want %d sweeps × %d units", len(states), sweeps, len(units))
	}
	prev := start
	for k, s := range states {
		differ := 0
		for i := range s {
			if s[i] != prev[i] {
				differ++
				if i != 1 && i != 2 && i != 4 && i != 6 {
					t.Fatalf("update %d changed clamped unit %d", k, i)
				}
			}
		}
		if differ > 1 {
			t.Fatalf("update %d changed %d units, want at most one", k, differ)
		}
		prev = s
	}
	for i := range visited {
		if visited[i] != plain[i] || states[len(states)-1][i] != visited[i] {
			t.Fatalf("unit %d: %v with a visit, %v without, last visited %v", i, visited[i], plain[i], states[len(states)-1][i])
		}
	}
}
