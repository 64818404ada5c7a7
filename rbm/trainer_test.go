package rbm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/race"
	"gorgonia.org/tensor"
)

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
			cfg := energy.TrainConfig{K: tc.k, Persistent: tc.persistent, Chains: chains, WeightDecay: 0.01,
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
		tr, err := NewTrainer(r, energy.TrainConfig{K: 1, Persistent: true, Chains: 40, WeightDecay: 1e-3}, 50, rng)
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

// TestTrainerChainsSampleModel runs the trainer's own samplers (the sparse
// float32 path's sums of rows, vector logistic and stream draws) with a
// zero learning rate: the persistent chains must then sample p(v) of the
// fixed model, checked against enumeration; under parallel tempering the
// chains at every temperature must sample the tempered model p_β, which
// holds only if the swaps keep the joint distribution.
func TestTrainerChainsSampleModel(t *testing.T) {
	const nv, nh, chains = 6, 9, 200 // nine hidden units: a vector block and a masked lane
	for _, tc := range []struct {
		name string
		cfg  energy.TrainConfig
	}{
		{"pcd", energy.TrainConfig{K: 1, Persistent: true, Chains: chains}},
		{"fpcd", energy.TrainConfig{K: 1, Persistent: true, Chains: chains, Sampler: energy.SamplerFPCD, FastDecay: 0.95}},
		{"pt", energy.TrainConfig{K: 1, Persistent: true, Chains: chains, Sampler: energy.SamplerPT, Temperatures: 4, BetaMin: 0.25}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.Sampler != "" && !numeric.VectorKernels() {
				t.Skip("fpcd and pt run on the vector kernels, which this CPU lacks")
			}
			r := randomRBM(t, nv, nh, tensor.Float32, 1.0, 0.7, 41)
			rng := rand.New(rand.NewPCG(5, 6))
			tr, err := NewTrainer(r, tc.cfg, 4, rng)
			if err != nil {
				t.Fatal(err)
			}
			betas := tc.cfg.Betas()
			counts := make([][]float64, len(betas))
			for k := range counts {
				counts[k] = make([]float64, 1<<nv)
			}
			data := binaryBatch(4, nv, tensor.Float32, 0.5, rng)
			const burn, draws = 30, 150
			for step := range burn + draws {
				tr.Step(data, 0, 0, rng)
				if step < burn {
					continue
				}
				for i := range chains * len(betas) {
					s := 0
					for k := range nv {
						if at(tr.chains, i*nv+k) > 0.5 {
							s |= 1 << k
						}
					}
					counts[i/chains][s]++
				}
			}
			for k, beta := range betas {
				tempered := castRBM(t, r)
				for _, p := range []*tensor.Dense{tempered.W, tempered.B, tempered.C} {
					for i := range p.Shape().TotalSize() {
						setAt(p, i, beta*at(p, i))
					}
				}
				exact := visibleDistribution(t, tempered)
				tv := 0.0
				for s, p := range exact {
					tv += math.Abs(counts[k][s]/(chains*draws)-p) / 2
				}
				// 30,000 correlated draws over 64 states: the noise is about 0.02.
				if tv > 0.045 {
					t.Errorf("β = %.3g: total variation between the chains and exact p_β(v) = %.4f, want < 0.045", beta, tv)
				}
			}
			if tc.cfg.Sampler == energy.SamplerPT {
				for k, a := range tr.SamplerStats() {
					if a <= 0 || a > 1 {
						t.Errorf("swap acceptance between temperatures %d and %d: %g", k, k+1, a)
					}
				}
				if again := tr.SamplerStats(); again[0] != 0 {
					t.Errorf("SamplerStats did not start counting afresh: %v", again)
				}
			}
		})
	}
}

// TestFastWeightsFollowTheGradient: after one FPCD step from zero fast
// weights and zero velocity, W_f = lr_fast·g, where the raw gradient g is
// recovered from the regular update, ΔW = lr·(g − λW).
func TestFastWeightsFollowTheGradient(t *testing.T) {
	if !numeric.VectorKernels() {
		t.Skip("fpcd runs on the vector kernels, which this CPU lacks")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	r := randomRBM(t, 30, 20, tensor.Float32, 0.3, 0.3, 8)
	old := cloneRBM(t, r)
	tr, err := NewTrainer(r, energy.TrainConfig{K: 1, Persistent: true, Chains: 10, WeightDecay: 0.01, Sampler: energy.SamplerFPCD, FastDecay: 0.95, FastLR: 0.3}, 10, rng)
	if err != nil {
		t.Fatal(err)
	}
	const lr = 0.05
	tr.Step(binaryBatch(10, 30, tensor.Float32, 0.3, rng), lr, 0.5, rng)
	for i := range r.W.Shape().TotalSize() {
		g := (at(r.W, i)-at(old.W, i))/lr + 0.01*at(old.W, i)
		if d := math.Abs(at(tr.fast.W, i) - 0.3*g); d > 1e-4 {
			t.Fatalf("fast W[%d] = %g, want 0.3·%g", i, at(tr.fast.W, i), g)
		}
	}
	for i := range r.C.Shape().TotalSize() {
		g := (at(r.C, i) - at(old.C, i)) / lr
		if d := math.Abs(at(tr.fast.C, i) - 0.3*g); d > 1e-4 {
			t.Fatalf("fast c[%d] = %g, want 0.3·%g", i, at(tr.fast.C, i), g)
		}
	}
}

func TestSamplerConfigErrors(t *testing.T) {
	for _, c := range []energy.TrainConfig{
		{K: 1, Sampler: energy.SamplerPT, Temperatures: 4},                              // not persistent
		{K: 1, Persistent: true, Chains: 5, Sampler: "gibbs"},                           // unknown
		{K: 1, Persistent: true, Chains: 5, Sampler: energy.SamplerPT, Temperatures: 1}, // one temperature
		{K: 1, Persistent: true, Chains: 5, Sampler: energy.SamplerPT, Temperatures: 3, BetaMin: 1},
		{K: 1, Persistent: true, Chains: 5, Sampler: energy.SamplerPT, Temperatures: 3, TempSpacing: "geometric"},
		{K: 1, Persistent: true, Chains: 5, Sampler: energy.SamplerFPCD, FastDecay: 1},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
	if _, err := NewTrainer(randomRBM(t, 5, 4, tensor.Float64, 0.1, 0.1, 1), energy.TrainConfig{K: 1, Persistent: true, Chains: 5, Sampler: energy.SamplerPT, Temperatures: 3}, 5, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("parallel tempering in float64 accepted")
	}
	b := energy.TrainConfig{Temperatures: 5, BetaMin: 0.2}.Betas()
	g := energy.TrainConfig{Temperatures: 3, BetaMin: 0.25, TempSpacing: "geometric"}.Betas()
	if b[0] != 1 || math.Abs(b[4]-0.2) > 1e-15 || math.Abs(b[2]-0.6) > 1e-15 || g[1] != 0.5 || g[2] != 0.25 {
		t.Errorf("ladders %v and %v", b, g)
	}
}

// TestSparseStepAllocatesNothing: the float32 step on binary data, the
// default training path, allocates nothing once running, under CD, PCD,
// FPCD and PT.
func TestSparseStepAllocatesNothing(t *testing.T) {
	if !numeric.VectorKernels() {
		t.Skip("no vector kernels on this CPU: the dense path runs")
	}
	rng := rand.New(rand.NewPCG(1, 1))
	r := randomRBM(t, 50, 30, tensor.Float32, 0.1, 0.1, 2)
	for _, cfg := range []energy.TrainConfig{
		{K: 2, Chains: 20},
		{K: 2, Persistent: true, Chains: 20},
		{K: 1, Persistent: true, Chains: 20, Sampler: energy.SamplerFPCD, FastDecay: 0.95, FastLR: 0.01},
		{K: 1, Persistent: true, Chains: 20, Sampler: energy.SamplerPT, Temperatures: 4, BetaMin: 0.5},
	} {
		cfg.SparsityTarget, cfg.SparsityCost = 0.1, 0.1
		tr, err := NewTrainer(r, cfg, 20, rng)
		if err != nil {
			t.Fatal(err)
		}
		v := binaryBatch(20, 50, tensor.Float32, 0.2, rng)
		tr.Step(v, 0.01, 0.5, rng)
		if a := testing.AllocsPerRun(20, func() { tr.Step(v, 0.01, 0.5, rng) }); a != 0 {
			t.Errorf("persistent %v, sampler %q: %g allocations a step", cfg.Persistent, cfg.Sampler, a)
		}
	}
}

// TestDenseStepAllocatesNothing: the dense step (grey float32 data, and
// float64) allocates nothing once running, with the SIMD BLAS and with
// OpenBLAS (CI has both, on an AVX2 CPU). Not with gonum's, whose products
// start goroutines of their own.
func TestDenseStepAllocatesNothing(t *testing.T) {
	defer fastblas.Use(fastblas.Gonum)
	for _, lib := range []string{fastblas.SIMDName, fastblas.OpenName} {
		if lib == fastblas.OpenName && race.Enabled {
			t.Log("skipping openblas under the race detector")
			continue
		}
		if _, err := fastblas.Use(lib); err != nil {
			t.Logf("skipping %s: %v", lib, err)
			continue
		}
		for _, tc := range []struct {
			dt         tensor.Dtype
			persistent bool
		}{{tensor.Float32, false}, {tensor.Float32, true}, {tensor.Float64, false}, {tensor.Float64, true}} {
			rng := rand.New(rand.NewPCG(1, 1))
			// 784×100 with batch 50: products large enough to be split
			// into stripes.
			r := randomRBM(t, 784, 100, tc.dt, 0.1, 0.1, 2)
			cfg := energy.TrainConfig{K: 2, Persistent: tc.persistent, Chains: 20, WeightDecay: 1e-4, SparsityTarget: 0.1, SparsityCost: 0.1}
			tr, err := NewTrainer(r, cfg, 50, rng)
			if err != nil {
				t.Fatal(err)
			}
			v := binaryBatch(50, 784, tc.dt, 0.2, rng)
			greyen(v, rng)
			tr.Step(v, 0.01, 0.5, rng)
			if a := testing.AllocsPerRun(20, func() { tr.Step(v, 0.01, 0.5, rng) }); a != 0 {
				t.Errorf("%s %v, persistent %v: %g allocations a step", lib, tc.dt, tc.persistent, a)
			}
		}
	}
}

// TestStepRefusesOtherDtype: a minibatch of another dtype than the
// model's is refused by name, not read as reinterpreted bytes.
func TestStepRefusesOtherDtype(t *testing.T) {
	for _, tc := range []struct{ model, batch tensor.Dtype }{{tensor.Float64, tensor.Float32}, {tensor.Float32, tensor.Float64}} {
		rng := rand.New(rand.NewPCG(1, 1))
		tr, err := NewTrainer(randomRBM(t, 6, 4, tc.model, 0.1, 0.1, 1), energy.TrainConfig{K: 1}, 3, rng)
		if err != nil {
			t.Fatal(err)
		}
		err = tr.Step(binaryBatch(3, 6, tc.batch, 0.5, rng), 0.01, 0, rng)
		if err == nil || !strings.Contains(err.Error(), tc.batch.String()) {
			t.Errorf("%v model, %v batch: error %v, want one naming the batch's dtype", tc.model, tc.batch, err)
		}
		if err := tr.Step(binaryBatch(4, 6, tc.model, 0.5, rng), 0.01, 0, rng); err == nil || !strings.Contains(err.Error(), "[4 6]") {
			t.Errorf("batch of 4 rows for a trainer of 3: error %v", err)
		}
	}
}
