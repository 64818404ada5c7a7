package rbm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// cloneRBM returns a deep copy of r in its own dtype.
func cloneRBM(t *testing.T, r *RBM) *RBM {
	t.Helper()
	c, err := New(r.Visible(), r.Hidden(), r.Dtype())
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

// TestStepAppliesTheGradient checks one update of every path (the sparse
// one for binary float32 data, the dense one for grey values and float64)
// against the closed form: from zero velocity, θ' − θ = lr·(∇ − λW), with
// ∇ the statistics gradient of the data and the negative rows the step
// produced, computed by the old parameters.
func TestStepAppliesTheGradient(t *testing.T) {
	for _, tc := range []struct {
		name       string
		dt         tensor.Dtype
		binary     bool
		persistent bool
		k          int
		sparsity   float64
		tol        float64
	}{
		{"sparse CD-1", tensor.Float32, true, false, 1, 0, 2e-6},
		{"sparse PCD-2", tensor.Float32, true, true, 2, 0, 2e-6},
		{"sparse CD-1 with sparsity", tensor.Float32, true, false, 1, 0.1, 2e-6},
		{"dense CD-1 grey", tensor.Float32, false, false, 1, 0, 2e-6},
		{"dense PCD-1 float64", tensor.Float64, true, true, 1, 0, 1e-12},
		{"dense CD-3 float64 sparsity", tensor.Float64, false, false, 3, 0.05, 1e-12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const nv, nh, n, chains = 37, 29, 12, 9
			rng := rand.New(rand.NewPCG(3, 4))
			r := randomRBM(t, nv, nh, tc.dt, 0.3, 0.5, 5)
			v := binaryBatch(n, nv, tc.dt, 0.3, rng)
			if !tc.binary {
				for i := range n * nv {
					setAt(v, i, rng.Float64())
				}
			}
			cfg := TrainConfig{K: tc.k, Persistent: tc.persistent, Chains: chains, WeightDecay: 0.01,
				SparsityTarget: tc.sparsity, SparsityCost: 0.3}
			tr, err := NewTrainer(r, cfg, n, rng)
			if err != nil {
				t.Fatal(err)
			}
			old := cloneRBM(t, r)
			const lr = 0.1
			tr.Step(v, lr, 0.9, rng)

			m := tr.m
			neg := rowView(tr.x, n, n+m)
			phd := tensor.New(tensor.WithShape(n, nh), tensor.Of(tc.dt))
			phm := tensor.New(tensor.WithShape(m, nh), tensor.Of(tc.dt))
			old.HiddenProbs(v, phd)
			old.HiddenProbs(neg, phm)
			g := old.NewGradient()
			old.StatsGradient(g, v, phd, neg, phm)
			if tc.sparsity > 0 {
				// The penalty of sparsityTerms from q = 0: q' = 0.1·mean p(h|v).
				for j := range nh {
					mean := 0.0
					for i := range n {
						mean += at(phd, i*nh+j) / n
					}
					pen := 0.3 * (0.1*mean - tc.sparsity)
					setAt(g.C, j, at(g.C, j)-pen)
					for k := range nv {
						vm := 0.0
						for i := range n {
							vm += at(v, i*nv+k) / n
						}
						setAt(g.W, k*nh+j, at(g.W, k*nh+j)-pen*vm)
					}
				}
			}
			for _, p := range []struct {
				name           string
				now, was, grad *tensor.Dense
				decay          float64
			}{{"W", r.W, old.W, g.W, 0.01}, {"b", r.B, old.B, g.B, 0}, {"c", r.C, old.C, g.C, 0}} {
				worst := 0.0
				for i := range p.now.Shape().TotalSize() {
					want := at(p.was, i) + lr*(at(p.grad, i)-p.decay*at(p.was, i))
					worst = max(worst, math.Abs(at(p.now, i)-want))
				}
				if worst > tc.tol {
					t.Errorf("%s: largest difference from θ + lr·(∇ − λW) is %g, want ≤ %g", p.name, worst, tc.tol)
				}
			}
		})
	}
}

// TestStepSamesOnAnyCoreCount: each row draws from its own stream, so the
// parameters after a few steps are bit for bit the same on 1, 2 or 3 cores.
func TestStepSameOnAnyCoreCount(t *testing.T) {
	run := func(procs int, dt tensor.Dtype) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		rng := rand.New(rand.NewPCG(9, 9))
		r := randomRBM(t, 100, 70, dt, 0.1, 0.3, 6)
		tr, err := NewTrainer(r, TrainConfig{K: 1, Persistent: true, Chains: 40, WeightDecay: 1e-3}, 50, rng)
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			tr.Step(binaryBatch(50, 100, dt, 0.2, rng), 0.05, 0.5, rng)
		}
		return numeric.ToFloat64(r.W.Data())
	}
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		one := run(1, dt)
		for _, procs := range []int{2, 3} {
			other := run(procs, dt)
			for i := range one {
				if one[i] != other[i] {
					t.Fatalf("%v: W[%d] = %v on 1 core, %v on %d", dt, i, one[i], other[i], procs)
				}
			}
		}
	}
}

// TestTrainerChainsSampleModel runs the trainer's own sampler (the sparse
// float32 path's sums of rows, vector logistic and stream draws) with a
// zero learning rate: its persistent chains must then sample p(v) of the
// fixed model, checked against enumeration.
func TestTrainerChainsSampleModel(t *testing.T) {
	const nv, nh, chains = 6, 9, 200 // nine hidden units: a vector block and a masked lane
	r := randomRBM(t, nv, nh, tensor.Float32, 1.0, 0.7, 41)
	exact := enumerate(t, castRBM(t, r))
	rng := rand.New(rand.NewPCG(5, 6))
	tr, err := NewTrainer(r, TrainConfig{K: 1, Persistent: true, Chains: chains}, 4, rng)
	if err != nil {
		t.Fatal(err)
	}
	data := binaryBatch(4, nv, tensor.Float32, 0.5, rng)
	count := make([]float64, len(exact))
	const burn, draws = 30, 150
	for step := range burn + draws {
		tr.Step(data, 0, 0, rng)
		if step < burn {
			continue
		}
		for i := range chains {
			s := 0
			for k := range nv {
				if at(tr.chains, i*nv+k) > 0.5 {
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
	// 30,000 correlated draws over 64 states: the noise is about 0.02.
	if tv > 0.045 {
		t.Errorf("total variation between the trainer's chains and exact p(v) = %.4f, want < 0.045", tv)
	}
}

// TestSparseStepAllocatesNothing: the float32 step on binary data, the
// default training path, allocates nothing once running.
func TestSparseStepAllocatesNothing(t *testing.T) {
	if !numeric.VectorKernels() {
		t.Skip("no vector kernels on this CPU: the dense path runs")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	r := randomRBM(t, 50, 30, tensor.Float32, 0.1, 0.1, 2)
	for _, persistent := range []bool{false, true} {
		tr, err := NewTrainer(r, TrainConfig{K: 2, Persistent: persistent, Chains: 20, SparsityTarget: 0.1, SparsityCost: 0.1}, 20, rng)
		if err != nil {
			t.Fatal(err)
		}
		v := binaryBatch(20, 50, tensor.Float32, 0.2, rng)
		tr.Step(v, 0.01, 0.5, rng)
		if a := testing.AllocsPerRun(20, func() { tr.Step(v, 0.01, 0.5, rng) }); a != 0 {
			t.Errorf("persistent %v: %g allocations a step", persistent, a)
		}
	}
}
