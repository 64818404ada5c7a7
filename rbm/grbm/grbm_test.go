package grbm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"gorgonia.org/tensor"
)

// randomGaussian returns a Gaussian-Bernoulli RBM with N(0, ws²) weights,
// N(0, 1) means, N(0, 0.5²) hidden biases and log-variances uniform in
// [−1, 1].
func randomGaussian(t testing.TB, nv, nh int, ws float64, seed uint64) *RBM {
	t.Helper()
	g, err := New(nv, nh)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	for _, p := range []struct {
		x []float64
		f func() float64
	}{
		{g.W.Float64s(), func() float64 { return ws * rng.NormFloat64() }},
		{g.B.Float64s(), rng.NormFloat64},
		{g.C.Float64s(), func() float64 { return 0.5 * rng.NormFloat64() }},
		{g.LogVar.Float64s(), func() float64 { return 2*rng.Float64() - 1 }},
	} {
		for i := range p.x {
			p.x[i] = p.f()
		}
	}
	return g
}

// TestGaussianExactLogZByQuadrature integrates e^{−F(v)} over a grid for a
// two-visible-unit model and compares with the closed form.
func TestGaussianExactLogZByQuadrature(t *testing.T) {
	g := randomGaussian(t, 2, 3, 0.8, 1)
	exact, err := g.ExactLogZ()
	if err != nil {
		t.Fatal(err)
	}
	const lo, hi, step = -14.0, 14.0, 0.02
	var pts []float64
	for x := lo; x <= hi; x += step {
		for y := lo; y <= hi; y += step {
			pts = append(pts, x, y)
		}
	}
	f := g.FreeEnergy(tensor.New(tensor.WithShape(len(pts)/2, 2), tensor.WithBacking(pts)))
	m := math.Inf(-1)
	for _, x := range f {
		m = max(m, -x)
	}
	s := 0.0
	for _, x := range f {
		s += math.Exp(-x - m)
	}
	quad := m + math.Log(s*step*step)
	if math.Abs(quad-exact) > 1e-3 {
		t.Errorf("log Z: quadrature %.5f, closed form %.5f", quad, exact)
	}
}

// TestGaussianAISMatchesExactLogZ: on tiny random models AIS lands within
// 0.1 nats of the exact log Z, which lies inside its ±3σ interval, and the
// same seed repeats the estimate.
func TestGaussianAISMatchesExactLogZ(t *testing.T) {
	betas, err := ais.ScaledSchedule(3000)
	if err != nil {
		t.Fatal(err)
	}
	for seed := uint64(1); seed <= 3; seed++ {
		g := randomGaussian(t, 12, 10, 0.3, seed)
		exact, err := g.ExactLogZ()
		if err != nil {
			t.Fatal(err)
		}
		// The base: independent Gaussians with the model's means and
		// variances (roughly the data's, for a model fitted to data).
		base := Base{Mean: g.B.Float64s(), Var: g.Variances()}
		cfg := ais.Config{Betas: betas, Runs: 100, Seed: seed}
		est, _, err := g.AIS(base, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("seed %d: AIS %.4f [%.4f, %.4f], exact %.4f, log Z_0 %.4f", seed, est.LogZ, est.LogZLo, est.LogZHi, exact, est.LogZBase)
		if math.Abs(est.LogZ-exact) > 0.1 || !(est.LogZLo <= exact && exact <= est.LogZHi) {
			t.Errorf("seed %d: AIS %.4f [%.4f, %.4f], exact %.4f", seed, est.LogZ, est.LogZLo, est.LogZHi, exact)
		}
		again, _, _ := g.AIS(base, cfg)
		if again.LogZ != est.LogZ {
			t.Errorf("seed %d: AIS gave %v then %v", seed, est.LogZ, again.LogZ)
		}
	}
}

// TestGaussianAutodiffMatchesFiniteDifferences checks Gorgonia's gradient
// of mean F(v_data) − mean F(v_model) for every parameter, the log-variances
// included, against central differences.
func TestGaussianAutodiffMatchesFiniteDifferences(t *testing.T) {
	g := randomGaussian(t, 5, 4, 0.5, 9)
	rng := rand.New(rand.NewPCG(4, 4))
	mk := func(n int) *tensor.Dense {
		x := make([]float64, n*5)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return tensor.New(tensor.WithShape(n, 5), tensor.WithBacking(x))
	}
	vd, vm := mk(7), mk(3)
	ad, err := energy.NewFreeEnergyGradient(g, 7, 3)
	if err != nil {
		t.Fatal(err)
	}
	var out []*tensor.Dense
	for _, p := range g.Parameters() {
		out = append(out, tensor.New(tensor.WithShape(p.T.Shape().Clone()...), tensor.Of(p.T.Dtype())))
	}
	if err := ad.Compute(g, vd, vm, out); err != nil {
		t.Fatal(err)
	}
	cost := func() float64 {
		return ais.Mean(g.FreeEnergy(vd)) - ais.Mean(g.FreeEnergy(vm))
	}
	for _, p := range []struct {
		name      string
		par, grad []float64
	}{{"W", g.W.Float64s(), out[0].Float64s()}, {"b", g.B.Float64s(), out[1].Float64s()}, {"c", g.C.Float64s(), out[2].Float64s()}, {"z", g.LogVar.Float64s(), out[3].Float64s()}} {
		for i := range p.par {
			const h = 1e-5
			keep := p.par[i]
			p.par[i] = keep + h
			up := cost()
			p.par[i] = keep - h
			down := cost()
			p.par[i] = keep
			if fd := -(up - down) / (2 * h); math.Abs(fd-p.grad[i]) > 1e-6*(1+math.Abs(fd)) {
				t.Errorf("%s[%d]: finite difference %g, autodiff %g", p.name, i, fd, p.grad[i])
			}
		}
	}
}

// TestGaussianTrainerLearnsClusters trains a 6-visible, 4-hidden GRBM with
// each negative phase of the framework (CD, PCD, fast PCD, parallel
// tempering) on two well-separated Gaussian clusters and checks, with the
// exact log Z, that the held-out log-likelihood (in standardised units)
// rises by more than a nat per example and that every σ stays at or above
// its floor.
func TestGaussianTrainerLearnsClusters(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  energy.TrainConfig
	}{
		{"cd1", energy.TrainConfig{K: 1}},
		{"pcd1", energy.TrainConfig{K: 1, Persistent: true, Chains: 50}},
		{"fpcd1", energy.TrainConfig{K: 1, Persistent: true, Chains: 50, Sampler: energy.SamplerFPCD, FastDecay: 0.95}},
		{"pt", energy.TrainConfig{K: 1, Persistent: true, Chains: 50, Sampler: energy.SamplerPT, Temperatures: 4, BetaMin: 0.4}},
	} {
		t.Run(tc.name, func(t *testing.T) { learnClusters(t, tc.cfg, false) })
		t.Run(tc.name+"-float32", func(t *testing.T) { learnClusters(t, tc.cfg, true) })
	}
}

func learnClusters(t *testing.T, cfg energy.TrainConfig, float32 bool) {
	const nv, n = 6, 400
	rng := rand.New(rand.NewPCG(12, 13))
	mk := func(n int) *tensor.Dense {
		x := make([]float64, n*nv)
		for r := range n {
			centre := 2.0
			if r%2 == 1 {
				centre = -2
			}
			for i := range nv {
				x[r*nv+i] = centre*float64(1-2*(i%2)) + 0.5*rng.NormFloat64() + 3
			}
		}
		return tensor.New(tensor.WithShape(n, nv), tensor.WithBacking(x))
	}
	train, held := mk(n), mk(200)
	g, err := New(nv, 4)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(g, TrainConfig{TrainConfig: cfg, LogVarRate: 0.1, Float32: float32}, 50, train, rng)
	if err != nil {
		t.Fatal(err)
	}
	heldLL := func() float64 {
		tr.sync() // the float32 model, in float64
		x := make([]float64, 200*nv)
		tr.standardize(x, held)
		logZ, err := g.ExactLogZ()
		if err != nil {
			t.Fatal(err)
		}
		s := 0.0
		for _, f := range g.FreeEnergy(tensor.New(tensor.WithShape(200, nv), tensor.WithBacking(x))) {
			s -= f
		}
		return s/200 - logZ
	}
	before := heldLL()
	batch := tensor.New(tensor.WithShape(50, nv), tensor.Of(tensor.Float64))
	src := train.Float64s()
	for step := range 1500 {
		lo := (step % (n / 50)) * 50
		copy(batch.Float64s(), src[lo*nv:(lo+50)*nv])
		tr.Step(batch, 0.01, 0.5, rng)
	}
	after := heldLL()
	if after < before+1 {
		t.Errorf("held-out log-likelihood %.3f → %.3f: want a rise of more than 1 nat", before, after)
	}
	for i, s2 := range g.Variances() {
		if !(s2 >= g.MinStd*g.MinStd) {
			t.Errorf("σ²[%d] = %g below the floor", i, s2)
		}
	}
	t.Logf("held-out log-likelihood %.6f → %.6f (float32 model: %t)", before, after, tr.model32 != nil)
}

// TestGaussianDataDensityIsInPixelUnits: with W = 0 the Gaussian RBM is
// independent Gaussians, N(b_i, σ_i²) over the standardised z_i, so over the
// pixels x_i = mean_i + std_i·z_i it is N(mean_i + std_i·b_i, (std_i·σ_i)²).
// −DataFreeEnergy − log Z must be that density's log, Jacobian included;
// and the evaluation contract's pieces agree with the model's own.
func TestGaussianDataDensityIsInPixelUnits(t *testing.T) {
	const nv, nh = 3, 2
	g, err := New(nv, nh)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	data := tensor.New(tensor.WithShape(4, nv), tensor.WithBacking([]float64{0.1, 0.5, 0.9, 0.3, 0.2, 0.4, 0.8, 0.1, 0.5, 0.2, 0.7, 0.6}))
	tr, err := NewTrainer(g, TrainConfig{TrainConfig: energy.TrainConfig{K: 1, Persistent: true, Chains: 2}, LogVarRate: 1}, 2, data, rng)
	if err != nil {
		t.Fatal(err)
	}
	clear(g.W.Float64s())
	copy(g.B.Float64s(), []float64{0.3, -0.2, 1.1})
	copy(g.C.Float64s(), []float64{0.5, -1})
	copy(g.LogVar.Float64s(), []float64{-0.4, 0.2, 0.7})
	copy(tr.Mean.Float64s(), []float64{0.2, 0.4, 0.1})
	copy(tr.Std.Float64s(), []float64{0.5, 2, 0.25})
	logZ, ok, err := tr.EnumerateLogZ(10)
	if err != nil || !ok {
		t.Fatalf("EnumerateLogZ: %v, %v", ok, err)
	}
	x := tensor.New(tensor.WithShape(2, nv), tensor.WithBacking([]float64{0.3, -0.5, 0.2, 1.2, 0.9, 0}))
	f := tr.DataFreeEnergy(x)
	xs := x.Float64s()
	for r := range 2 {
		want := 0.0
		for i := range nv {
			m := tr.Mean.Float64s()[i] + tr.Std.Float64s()[i]*g.B.Float64s()[i]
			s := tr.Std.Float64s()[i] * math.Exp(g.LogVar.Float64s()[i]/2)
			d := (xs[r*nv+i] - m) / s
			want += -0.5*d*d - math.Log(s) - 0.5*math.Log(2*math.Pi)
		}
		if got := -f[r] - logZ; math.Abs(got-want) > 1e-9 {
			t.Errorf("row %d: log p(x) = %.12f, want %.12f", r, got, want)
		}
	}
	if _, ok, _ := tr.EnumerateLogZ(1); ok {
		t.Error("EnumerateLogZ(1) enumerated 2 hidden units")
	}
	fs := tr.Filters(5)
	if len(fs) != nh || len(fs[0]) != nv {
		t.Errorf("Filters(5) of %d hidden units: %d×%d", nh, len(fs), len(fs[0]))
	}
	// With W = 0 the samples' visible means are the model's means in
	// pixel units, whatever the chain did.
	s, err := tr.Samples(3, 4, rng, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range nv {
		want := tr.Mean.Float64s()[i] + tr.Std.Float64s()[i]*g.B.Float64s()[i]
		if math.Abs(s[2][i]-want) > 1e-12 {
			t.Errorf("sample mean of pixel %d: %g, want %g", i, s[2][i], want)
		}
	}
}

// TestEnergyTrainerSamplesTemperedDistributions runs the framework's
// parallel tempering on a tiny Gaussian-Bernoulli RBM with the learning
// rate at zero and checks the hidden states of the chains at each
// temperature against the exact marginal
//
//	log p_β(h) = β [cᵀh + Σ_i ((Wh)_i² + 2 b_i (Wh)_i)/(2σ_i²)] + const
//
// (the visible integral of e^{−βE} is Gaussian), by total variation. A
// swap rule with the wrong sign, or a visible draw at the wrong variance,
// moves the marginals by more than the tolerance (0.0093 and 0.06
// against at most 0.0022 here).
func TestEnergyTrainerSamplesTemperedDistributions(t *testing.T) {
	const nv, nh, chains, temps = 3, 3, 400, 3
	g := randomGaussian(t, nv, nh, 0.3, 21)
	cfg := energy.TrainConfig{K: 1, Persistent: true, Chains: chains, Sampler: energy.SamplerPT, Temperatures: temps, BetaMin: 0.5}
	tr, err := energy.NewTrainer(g, cfg, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 5))
	data := tensor.New(tensor.WithShape(2, nv), tensor.Of(tensor.Float64))
	counts := make([][]float64, temps)
	for k := range counts {
		counts[k] = make([]float64, 1<<nh)
	}
	for step := range 1100 {
		if err := tr.Step(data, 0, 0, rng); err != nil {
			t.Fatal(err)
		}
		if step < 100 {
			continue
		}
		h := tr.HiddenChains().Float64s()
		for r := range chains * temps {
			s := 0
			for j := range nh {
				if h[r*nh+j] == 1 {
					s |= 1 << j
				}
			}
			counts[r/chains][s]++
		}
	}
	w, b, c, s2 := g.W.Float64s(), g.B.Float64s(), g.C.Float64s(), g.Variances()
	for k, beta := range cfg.Betas() {
		logp := make([]float64, 1<<nh)
		sum := ais.NewLogSum()
		for s := range logp {
			e := 0.0
			for j := range nh {
				if s>>j&1 == 1 {
					e += c[j]
				}
			}
			for i := range nv {
				a := 0.0
				for j := range nh {
					if s>>j&1 == 1 {
						a += w[i*nh+j]
					}
				}
				e += (a*a + 2*b[i]*a) / (2 * s2[i])
			}
			logp[s] = beta * e
			sum.Add(logp[s])
		}
		norm := sum.Value()
		total := 0.0
		for _, x := range counts[k] {
			total += x
		}
		tv := 0.0
		for s := range logp {
			tv += math.Abs(counts[k][s]/total-math.Exp(logp[s]-norm)) / 2
		}
		pmax := 0.0
		for _, l := range logp {
			pmax = max(pmax, math.Exp(l-norm))
		}
		if pmax > 0.5 {
			t.Fatalf("β = %.2f: the most probable hidden state has p = %.3f: the test wants a spread distribution", beta, pmax)
		}
		if tv > 0.006 {
			t.Errorf("β = %.2f: total variation %.4f between the chains' hidden states and p_β(h), want ≤ 0.006", beta, tv)
		}
		t.Logf("β = %.2f: total variation %.4f (largest probability %.3f)", beta, tv, pmax)
	}
	acc := tr.SamplerStats()
	if len(acc) != temps-1 || acc[0] <= 0 || acc[0] > 1 {
		t.Errorf("swap acceptance %v: want %d rates in (0, 1]", acc, temps-1)
	}
}

// trainedWeights trains a Gaussian RBM of nv×nh (seed 9) for steps
// minibatches of batch rows of n made-up rows under cfg and returns W.
func trainedWeights(t *testing.T, nv, nh, n, batch, steps int, cfg TrainConfig) []float64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([]float64, n*nv)
	for i := range x {
		x[i] = rng.NormFloat64() + float64(i%3)
	}
	data := tensor.New(tensor.WithShape(n, nv), tensor.WithBacking(x))
	g, err := New(nv, nh)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(g, cfg, batch, data, rng)
	if err != nil {
		t.Fatal(err)
	}
	b := tensor.New(tensor.WithShape(batch, nv), tensor.Of(tensor.Float64))
	for step := range steps {
		copy(b.Float64s(), x[(step%(n/batch))*batch*nv:])
		if err := tr.Step(b, 0.01, 0.5, rng); err != nil {
			t.Fatal(err)
		}
	}
	tr.sync()
	return append([]float64(nil), g.W.Float64s()...)
}

// TestFloat32StepSameOnAnyCoreCount: a float32 model draws each row from
// its own stream, its rows split over the cores, so that training gives
// the same bits on one core as on two or three; and on the same core count
// two runs agree (the split does not depend on timing).
func TestFloat32StepSameOnAnyCoreCount(t *testing.T) {
	run := func(procs int) []float64 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return trainedWeights(t, 30, 20, 200, 50, 8, TrainConfig{TrainConfig: energy.TrainConfig{K: 2, Persistent: true, Chains: 40}, LogVarRate: 0.1, Float32: true})
	}
	one := run(1)
	for _, procs := range []int{2, 3, 2} {
		other := run(procs)
		for i := range one {
			if one[i] != other[i] {
				t.Fatalf("W[%d] = %v on 1 core, %v on %d", i, one[i], other[i], procs)
			}
		}
	}
}

// TestStepSameOnTheLentCores: where the SIMD BLAS runs, it lends its
// goroutines to the step's element-wise work (the float64 logistic of
// SampleHidden, the momentum update, the gradient plan's steps); a step
// gives the same bits with one thread (nothing lent) as with two, in
// float64 and float32.
func TestStepSameOnTheLentCores(t *testing.T) {
	if _, err := fastblas.Use(fastblas.SIMDName); err != nil {
		t.Skip(err)
	}
	defer fastblas.Use(fastblas.Gonum)
	defer fastblas.Threads(runtime.GOMAXPROCS(0))
	for _, f32 := range []bool{false, true} {
		var w [2][]float64
		for i, threads := range []int{1, 2} {
			fastblas.Threads(threads)
			// W of 70,000: the momentum update splits.
			w[i] = trainedWeights(t, 100, 700, 200, 100, 4, TrainConfig{TrainConfig: energy.TrainConfig{K: 1}, LogVarRate: 0.1, Float32: f32})
		}
		for i := range w[0] {
			if w[0][i] != w[1][i] {
				t.Fatalf("float32 %v: W[%d] = %v on one thread, %v on two", f32, i, w[0][i], w[1][i])
			}
		}
	}
}
