package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// randomRBM returns an RBM with weights of scale ws and biases of scale bs.
func randomRBM(t testing.TB, nv, nh int, dt tensor.Dtype, ws, bs float64, seed uint64) *RBM {
	t.Helper()
	r, err := New(nv, nh, dt)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	fill := func(x *tensor.Dense, s float64) {
		for i := range x.Shape().TotalSize() {
			setAt(x, i, s*rng.NormFloat64())
		}
	}
	fill(r.W, ws)
	fill(r.B, bs)
	fill(r.C, bs)
	return r
}

func setAt(x *tensor.Dense, i int, v float64) {
	switch d := x.Data().(type) {
	case []float32:
		d[i] = float32(v)
	case []float64:
		d[i] = v
	}
}

func at(x *tensor.Dense, i int) float64 {
	switch d := x.Data().(type) {
	case []float32:
		return float64(d[i])
	case []float64:
		return d[i]
	}
	panic("dtype")
}

func binaryBatch(n, d int, dt tensor.Dtype, p float64, rng *rand.Rand) *tensor.Dense {
	x := tensor.New(tensor.WithShape(n, d), tensor.Of(dt))
	for i := range n * d {
		if rng.Float64() < p {
			setAt(x, i, 1)
		}
	}
	return x
}

// TestAutodiffMatchesStatistics holds the closed-form CD gradient equal to
// Gorgonia's derivative of mean F(v_data) − mean F(v_model).
func TestAutodiffMatchesStatistics(t *testing.T) {
	for _, tc := range []struct {
		dt     tensor.Dtype
		nv, nh int
		n, m   int
		tol    float64 // absolute, on gradients of order 0.1–1
	}{
		{tensor.Float64, 20, 7, 11, 5, 1e-12},
		{tensor.Float32, 20, 7, 11, 5, 2e-6},
		{tensor.Float32, 784, 50, 32, 32, 5e-6},
	} {
		t.Run(fmt.Sprintf("%v_%dx%d", tc.dt, tc.nv, tc.nh), func(t *testing.T) {
			r := randomRBM(t, tc.nv, tc.nh, tc.dt, 0.3, 0.5, 7)
			rng := rand.New(rand.NewPCG(3, 4))
			vd := binaryBatch(tc.n, tc.nv, tc.dt, 0.4, rng)
			vm := binaryBatch(tc.m, tc.nv, tc.dt, 0.6, rng)
			phd := tensor.New(tensor.WithShape(tc.n, tc.nh), tensor.Of(tc.dt))
			phm := tensor.New(tensor.WithShape(tc.m, tc.nh), tensor.Of(tc.dt))
			r.HiddenProbs(vd, phd)
			r.HiddenProbs(vm, phm)
			stats := r.NewGradient()
			r.StatsGradient(stats, vd, phd, vm, phm)
			ad, err := NewAutodiffGradient(r, tc.n, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			auto := r.NewGradient()
			for range 2 { // a second run checks that the graph is reusable
				if err := ad.Compute(r, vd, vm, auto); err != nil {
					t.Fatal(err)
				}
			}
			for _, p := range []struct {
				name      string
				got, want *tensor.Dense
			}{{"W", auto.W, stats.W}, {"b", auto.B, stats.B}, {"c", auto.C, stats.C}} {
				worst := 0.0
				for i := range p.want.Shape().TotalSize() {
					worst = max(worst, math.Abs(at(p.got, i)-at(p.want, i)))
				}
				if worst > tc.tol {
					t.Errorf("%s: autodiff and statistics differ by up to %g, tolerance %g", p.name, worst, tc.tol)
				}
			}
		})
	}
}

// TestStatsGradientFiniteDifference checks the closed form against central
// differences of mean F(v_model) − mean F(v_data), in float64.
func TestStatsGradientFiniteDifference(t *testing.T) {
	r := randomRBM(t, 6, 4, tensor.Float64, 0.5, 0.5, 11)
	rng := rand.New(rand.NewPCG(5, 6))
	vd := binaryBatch(9, 6, tensor.Float64, 0.5, rng)
	vm := binaryBatch(4, 6, tensor.Float64, 0.5, rng)
	objective := func() float64 { return ais.Mean(r.FreeEnergy(vm)) - ais.Mean(r.FreeEnergy(vd)) }
	phd := tensor.New(tensor.WithShape(9, 4), tensor.Of(tensor.Float64))
	phm := tensor.New(tensor.WithShape(4, 4), tensor.Of(tensor.Float64))
	r.HiddenProbs(vd, phd)
	r.HiddenProbs(vm, phm)
	g := r.NewGradient()
	r.StatsGradient(g, vd, phd, vm, phm)
	const h, tol = 1e-5, 1e-8
	for _, p := range []struct {
		name        string
		param, grad *tensor.Dense
	}{{"W", r.W, g.W}, {"b", r.B, g.B}, {"c", r.C, g.C}} {
		for i := range p.param.Shape().TotalSize() {
			x := at(p.param, i)
			setAt(p.param, i, x+h)
			up := objective()
			setAt(p.param, i, x-h)
			down := objective()
			setAt(p.param, i, x)
			if fd := (up - down) / (2 * h); math.Abs(fd-at(p.grad, i)) > tol {
				t.Errorf("%s[%d]: finite difference %g, closed form %g", p.name, i, fd, at(p.grad, i))
			}
		}
	}
}

// visibleDistribution returns the exact distribution over visible states of a small
// RBM, indexed by the bits of the state, by summing exp(−F(v)).
func visibleDistribution(t *testing.T, r *RBM) []float64 {
	t.Helper()
	nv := r.Visible()
	states := tensor.New(tensor.WithShape(1<<nv, nv), tensor.Of(tensor.Float64))
	s := 0
	enumerate.States(nv, func(x []float64) {
		copy(states.Float64s()[s*nv:], x)
		s++
	})
	f := r.FreeEnergy(states)
	sum := ais.NewLogSum()
	for _, fe := range f {
		sum.Add(-fe)
	}
	logZ := sum.Value()
	p := make([]float64, len(f))
	for s, fe := range f {
		p[s] = math.Exp(-fe - logZ)
	}
	return p
}

// TestConditionalsMatchEnumeration checks P(h_j=1|v) against the ratio of
// joint energies summed over every hidden state.
func TestConditionalsMatchEnumeration(t *testing.T) {
	r := randomRBM(t, 4, 3, tensor.Float64, 1, 0.5, 21)
	nv, nh := 4, 3
	energy := func(v, h []float64) float64 {
		e := 0.0
		for i := range nv {
			e -= at(r.B, i) * v[i]
			for j := range nh {
				e -= v[i] * at(r.W, i*nh+j) * h[j]
			}
		}
		for j := range nh {
			e -= at(r.C, j) * h[j]
		}
		return e
	}
	enumerate.States(nv, func(v []float64) {
		vt := tensor.New(tensor.WithShape(1, nv), tensor.WithBacking(append([]float64(nil), v...)))
		ph := tensor.New(tensor.WithShape(1, nh), tensor.Of(tensor.Float64))
		r.HiddenProbs(vt, ph)
		z, on := 0.0, make([]float64, nh)
		enumerate.States(nh, func(h []float64) {
			p := math.Exp(-energy(v, h))
			z += p
			for j := range nh {
				on[j] += p * h[j]
			}
		})
		for j := range nh {
			if want := on[j] / z; math.Abs(at(ph, j)-want) > 1e-12 {
				t.Errorf("v=%v: P(h_%d=1|v) = %g, enumeration gives %g", v, j, at(ph, j), want)
			}
		}
	})
}

// TestGibbsChainSamplesModel runs many block Gibbs chains and compares the
// histogram of visible states with the exact distribution: the total
// variation distance must fall below what sampling noise allows.
func TestGibbsChainSamplesModel(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float64, tensor.Float32} {
		t.Run(dt.String(), func(t *testing.T) {
			r := randomRBM(t, 5, 3, dt, 1.2, 0.7, 31)
			exact := visibleDistribution(t, castRBM(t, r))
			const chains, burn, draws = 400, 50, 100
			rng := rand.New(rand.NewPCG(77, 78))
			c := r.NewChain(chains)
			count := make([]float64, len(exact))
			r.Gibbs(c, burn, rng)
			for range draws {
				r.Gibbs(c, 1, rng)
				for i := range chains {
					s := 0
					for k := range 5 {
						if at(c.V, i*5+k) > 0.5 {
							s |= 1 << k
						}
					}
					count[s]++
				}
			}
			tv := 0.0
			for s, p := range exact {
				tv += math.Abs(count[s]/(chains*draws)-p) / 2
			}
			// 40,000 correlated draws over 32 states: noise TV is about 0.01.
			if tv > 0.03 {
				t.Errorf("total variation between Gibbs samples and exact p(v) = %.4f, want < 0.03", tv)
			}
		})
	}
}

// castRBM returns a float64 copy of r.
func castRBM(t *testing.T, r *RBM) *RBM { return copyRBM(t, r, tensor.Float64) }

// cloneRBM returns a copy of r in its own dtype.
func cloneRBM(t *testing.T, r *RBM) *RBM { return copyRBM(t, r, r.Dtype()) }

func copyRBM(t *testing.T, r *RBM, dt tensor.Dtype) *RBM {
	t.Helper()
	c, err := New(r.Visible(), r.Hidden(), dt)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]*tensor.Dense{{c.W, r.W}, {c.B, r.B}, {c.C, r.C}} {
		for i := range p[1].Shape().TotalSize() {
			setAt(p[0], i, at(p[1], i))
		}
	}
	return c
}

// TestPseudoLogLikelihoodExact checks the one-flip estimator against its
// definition computed by brute force from free energies.
func TestPseudoLogLikelihoodExact(t *testing.T) {
	r := randomRBM(t, 8, 5, tensor.Float64, 0.8, 0.5, 41)
	data := binaryBatch(30, 8, tensor.Float64, 0.5, rand.New(rand.NewPCG(1, 2)))
	got := r.Score(data, rand.New(rand.NewPCG(9, 9))).PseudoLogLikelihood
	rng := rand.New(rand.NewPCG(9, 9))
	want := 0.0
	for i := range 30 {
		row := numeric.Data[float64](data)[i*8 : (i+1)*8]
		v := tensor.New(tensor.WithShape(1, 8), tensor.WithBacking(append([]float64(nil), row...)))
		k := rng.IntN(8)
		f := tensor.New(tensor.WithShape(1, 8), tensor.WithBacking(append([]float64(nil), row...)))
		setAt(f, k, 1-row[k])
		want += 8 * numeric.LogSigmoid(r.FreeEnergy(f)[0]-r.FreeEnergy(v)[0]) / 30
	}
	if math.Abs(got-want) > 1e-10 {
		t.Errorf("pseudo-log-likelihood %g, brute force %g", got, want)
	}
}

// TestSparsityTargetLowersActivity trains twice on the same data, with and
// without a sparsity target of 0.05, and checks that the target pulls the
// mean hidden activity down towards it.
func TestSparsityTargetLowersActivity(t *testing.T) {
	activity := func(target float64) float64 {
		rng := rand.New(rand.NewPCG(8, 9))
		data := binaryBatch(50, 30, tensor.Float64, 0.5, rng)
		r, _ := New(30, 20, tensor.Float64)
		_ = r.InitHinton(data, rng)
		tr, err := NewTrainer(r, energy.TrainConfig{K: 1, SparsityTarget: target, SparsityCost: 0.5}, 50, rng)
		if err != nil {
			t.Fatal(err)
		}
		for range 300 {
			tr.Step(data, 0.1, 0.5, rng)
		}
		ph := tensor.New(tensor.WithShape(50, 20), tensor.Of(tensor.Float64))
		r.HiddenProbs(data, ph)
		return ais.Mean(ph.Data().([]float64))
	}
	free, sparse := activity(0), activity(0.05)
	t.Logf("mean hidden activity: %.3f without a target, %.3f with target 0.05", free, sparse)
	if !(sparse < 0.12 && sparse < free-0.2) {
		t.Errorf("sparsity target 0.05 left mean activity at %.3f (%.3f without)", sparse, free)
	}
}

func TestTrainConfigValidate(t *testing.T) {
	for _, c := range []energy.TrainConfig{
		{K: 0},
		{K: 1, Persistent: true, Chains: 0},
		{K: 1, WeightDecay: -1},
		{K: 1, SparsityTarget: 1},
		{K: 1, SparsityCost: -0.1},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := New(0, 3, tensor.Float32); err == nil {
		t.Error("zero visible units accepted")
	}
	if _, err := New(3, 3, tensor.Int); err == nil {
		t.Error("int dtype accepted")
	}
}
