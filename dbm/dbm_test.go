package dbm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
	"gorgonia.org/tensor"
)

// randomDBM has couplings ~ N(0, scale²) and biases ~ N(0, 1).
func randomDBM(t *testing.T, layers []int, scale float64, seed uint64) *DBM {
	t.Helper()
	d, err := New(layers)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for l := range d.W {
		for i := range d.w(l) {
			d.w(l)[i] = float32(scale * rng.NormFloat64())
		}
	}
	for l := range d.B {
		for i := range d.b(l) {
			d.b(l)[i] = float32(rng.NormFloat64())
		}
	}
	return d
}

// eachJointState calls f with every joint state of d (xs is reused) and
// its −E.
func eachJointState(d *DBM, f func(xs [][]float32, negE float64)) {
	layers := d.Layers()
	total := 0
	for _, n := range layers {
		total += n
	}
	xs := make([][]float32, len(layers))
	for l, n := range layers {
		xs[l] = make([]float32, n)
	}
	enumerate.States(total, func(x []float64) {
		k := 0
		for l := range xs {
			for i := range xs[l] {
				xs[l][i] = float32(x[k])
				k++
			}
		}
		f(xs, -d.Energy(xs, 1)[0])
	})
}

// bruteLogZ sums exp(−E) over every joint state.
func bruteLogZ(d *DBM) float64 {
	sum := ais.NewLogSum()
	eachJointState(d, func(_ [][]float32, negE float64) { sum.Add(negE) })
	return sum.Value()
}

func TestExactLogZSumsOutHalfTheLayers(t *testing.T) {
	for _, tc := range []struct {
		layers []int
		scale  float64
	}{
		{[]int{4, 3, 2}, 1},    // odd layers enumerated
		{[]int{3, 5, 2}, 0.7},  // even layers enumerated
		{[]int{2, 3, 2, 3}, 1}, // three hidden layers
	} {
		d := randomDBM(t, tc.layers, tc.scale, 7)
		got, err := d.ExactLogZ(20)
		if err != nil {
			t.Fatal(err)
		}
		if want := bruteLogZ(d); math.Abs(got-want) > 1e-6 { // Energy sums its products in float32
			t.Errorf("%v: log Z %.12f, brute force %.12f", tc.layers, got, want)
		}
	}
	if _, err := randomDBM(t, []int{30, 30, 30}, 1, 1).ExactLogZ(20); err == nil {
		t.Error("ExactLogZ enumerated 2^30 states")
	}
}

// TestAISMatchesExactLogZ: AIS with 100 runs and 10,000 steps is within
// 0.1 nats of the exact log Z of tiny DBMs, the exact value lies in its
// ±3σ interval, and a fixed seed repeats the estimate bit for bit.
func TestAISMatchesExactLogZ(t *testing.T) {
	for _, tc := range []struct {
		layers []int
		scale  float64
	}{
		{[]int{12, 8, 6}, 0.5},
		{[]int{16, 6, 10}, 0.4},
		{[]int{10, 6, 6, 4}, 0.5},
	} {
		if testing.Short() && tc.layers[0] != 12 {
			continue // one case is enough under -race
		}
		d := randomDBM(t, tc.layers, tc.scale, 3)
		exact, err := d.ExactLogZ(22)
		if err != nil {
			t.Fatal(err)
		}
		// The base rates of 500 samples from a random base: any base is
		// valid, a good one is close to the model.
		rng := rand.New(rand.NewPCG(9, 9))
		data := tensor.New(tensor.WithShape(500, tc.layers[0]), tensor.Of(tensor.Float32))
		for i := range data.Float32s() {
			if rng.Float64() < 0.3 {
				data.Float32s()[i] = 1
			}
		}
		bA, err := ais.BaseRates(data)
		if err != nil {
			t.Fatal(err)
		}
		betas, err := ais.ScaledSchedule(10000)
		if err != nil {
			t.Fatal(err)
		}
		cfg := ais.Config{Betas: betas, Runs: 100, Seed: 5}
		// From the visible base rates (the hidden even layers fair coins),
		// and from the base model fitted to the data at every even layer.
		fitted, err := d.BaseModel(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, base := range []struct {
			name  string
			layer [][]float64
		}{{"visible base rates", [][]float64{bA}}, {"fitted base", fitted}} {
			est, err := d.AIS(base.layer, cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%v, %s: AIS %.4f (%.4f … %.4f), exact %.4f", tc.layers, base.name, est.LogZ, est.LogZLo, est.LogZHi, exact)
			if math.Abs(est.LogZ-exact) > 0.1 {
				t.Errorf("%v, %s: AIS log Z %.4f, exact %.4f", tc.layers, base.name, est.LogZ, exact)
			}
			if !(est.LogZLo <= exact && exact <= est.LogZHi) {
				t.Errorf("%v, %s: exact %.4f outside [%.4f, %.4f]", tc.layers, base.name, exact, est.LogZLo, est.LogZHi)
			}
			again, _ := d.AIS(base.layer, cfg)
			if again.LogZ != est.LogZ {
				t.Errorf("%v, %s: the same seed gave %v then %v", tc.layers, base.name, est.LogZ, again.LogZ)
			}
		}
		if _, err := d.AIS([][]float64{bA[1:]}, cfg); err == nil {
			t.Errorf("%v: AIS took a base model of the wrong width", tc.layers)
		}
	}
}

// TestMeanFieldIsAFixedPoint: after convergence each layer's means are
// σ of their input from the neighbouring means, and the bound they give is
// below the exact log p(v) (computed by enumeration) but within a few nats.
func TestMeanFieldIsAFixedPoint(t *testing.T) {
	d := randomDBM(t, []int{6, 5, 4}, 0.8, 11)
	v := tensor.New(tensor.WithShape(3, 6), tensor.WithBacking([]float32{1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1}))
	mu := [][]float32{nil, make([]float32, 3*5), make([]float32, 3*4)}
	iters := d.MeanField(v.Float32s(), 3, mu, MeanFieldConfig{Iters: 200, Tol: 1e-7})
	if iters >= 200 {
		t.Errorf("mean-field did not converge in 200 rounds")
	}
	for l := 1; l <= 2; l++ {
		n := d.n(l)
		in := make([]float32, 3*n)
		below, above := neighbours(mu, l)
		d.product(in, l, 3, below, above, 1, 1)
		for i := range in {
			want := 1 / (1 + math.Exp(-float64(in[i]+d.b(l)[i%n])))
			if math.Abs(float64(mu[l][i])-want) > 1e-5 {
				t.Errorf("layer %d unit %d: μ %.7f, σ(input) %.7f", l, i, mu[l][i], want)
			}
		}
	}
	logZ, err := d.ExactLogZ(20)
	if err != nil {
		t.Fatal(err)
	}
	bound := d.BoundTerms(v, MeanFieldConfig{Iters: 200, Tol: 1e-7})
	for r := range 3 {
		// log p(v) exactly: sum over h1, h2 of exp(−E).
		xs := [][]float32{v.Float32s()[r*6 : (r+1)*6], make([]float32, 5), make([]float32, 4)}
		logp := enumerate.LogZ(9, func(x []float64) float64 {
			for i := range 5 {
				xs[1][i] = float32(x[i])
			}
			for i := range 4 {
				xs[2][i] = float32(x[5+i])
			}
			return d.Energy(xs, 1)[0]
		}) - logZ
		lb := bound[r] - logZ
		if !(lb <= logp+1e-6 && lb > logp-3) {
			t.Errorf("row %d: bound %.5f, log p(v) %.5f", r, lb, logp)
		}
	}
}

// TestSamplesFollowTheModel: the mean of the chains' p(v|h1) after many
// sweeps matches each pixel's exact marginal E[v_i], summed over every
// joint state of a tiny three-layer DBM.
func TestSamplesFollowTheModel(t *testing.T) {
	layers := []int{4, 3, 3, 2}
	d := randomDBM(t, layers, 1.2, 6)
	var logps []float64
	var vs [][]float32
	eachJointState(d, func(xs [][]float32, negE float64) {
		logps = append(logps, negE)
		vs = append(vs, append([]float32(nil), xs[0]...))
	})
	norm := ais.LogSumExp(logps)
	want := make([]float64, layers[0])
	for k, lp := range logps {
		for i, v := range vs[k] {
			want[i] += float64(v) * math.Exp(lp-norm)
		}
	}
	tr, err := NewTrainer(d, testConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float64, layers[0])
	const runs = 4
	for k := range runs {
		rows, err := tr.Samples(2000, 60, rand.New(rand.NewPCG(uint64(k), 9)), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			for i, p := range row {
				got[i] += p / float64(len(rows)*runs)
			}
		}
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 0.01 {
			t.Errorf("E[v_%d]: samples %.4f, exact %.4f", i, got[i], want[i])
		}
	}
	t.Logf("E[v]: samples %.4f, exact %.4f", got, want)
}
