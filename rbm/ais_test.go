package rbm

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/enumerate"
	"gorgonia.org/tensor"
)

// bruteLogZ sums exp(−E(v, h)) over every joint state.
func bruteLogZ(r *RBM) float64 {
	nv, nh := r.Visible(), r.Hidden()
	return enumerate.LogZ(nv+nh, func(x []float64) float64 {
		v, h := x[:nv], x[nv:]
		e := 0.0
		for i, vi := range v {
			e -= vi * at(r.B, i)
			for j, hj := range h {
				e -= vi * at(r.W, i*nh+j) * hj
			}
		}
		for j, hj := range h {
			e -= at(r.C, j) * hj
		}
		return e
	})
}

func TestExactLogZMatchesBruteForce(t *testing.T) {
	for _, tc := range []struct {
		nv, nh int
		dt     tensor.Dtype
	}{{7, 5, tensor.Float64}, {5, 7, tensor.Float64}, {9, 8, tensor.Float32}} {
		r := randomRBM(t, tc.nv, tc.nh, tc.dt, 1.5, 1, uint64(tc.nv*10+tc.nh))
		got, err := r.ExactLogZ()
		if err != nil {
			t.Fatal(err)
		}
		if want := bruteLogZ(r); math.Abs(got-want) > 1e-9 {
			t.Errorf("%d×%d: exact log Z %.12g, brute force %.12g", tc.nv, tc.nh, got, want)
		}
	}
	big := randomRBM(t, 30, 30, tensor.Float32, 0.1, 0.1, 1)
	if _, err := big.ExactLogZ(); err == nil {
		t.Error("a 30×30 RBM was enumerated")
	}
}

// mnistRBM trains an RBM with few hidden units for a short while on real
// MNIST, so that AIS meets the kind of model it is for.
func mnistRBM(t *testing.T, nh int) (*RBM, *tensor.Dense) {
	t.Helper()
	dir, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	s, err := mnist.Load(mnist.Options{Dir: dir, Binarize: data.Stochastic, Seed: 1, TrainLimit: 2000, Validation: 1000})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	r, _ := New(784, nh, tensor.Float32)
	_ = r.InitHinton(s.Train.X, rng)
	tr, _ := NewTrainer(r, energy.TrainConfig{K: 1}, 100, rng)
	b, _ := data.NewBatches(s.Train.X, 100)
	for epoch := range 5 {
		b.Shuffle(1, epoch)
		for i := range b.Len() {
			tr.Step(b.Batch(i), 0.1, 0.5, rng)
		}
	}
	return r, s.Train.X
}

// TestAISMatchesExactLogZ: on RBMs with 12–18 hidden units, random and
// trained on MNIST, AIS is within 0.1 nats of the exact log Z, the exact
// value lies in the ±3σ interval, and a fixed seed repeats the estimate.
func TestAISMatchesExactLogZ(t *testing.T) {
	type model struct {
		name string
		r    *RBM
		data *tensor.Dense
	}
	var models []model
	for _, tc := range []struct {
		nv, nh int
		ws     float64
		dt     tensor.Dtype
	}{{100, 12, 0.3, tensor.Float64}, {60, 18, 0.5, tensor.Float32}} {
		r := randomRBM(t, tc.nv, tc.nh, tc.dt, tc.ws, 0.5, uint64(tc.nh))
		models = append(models, model{name: "random", r: r, data: binaryBatch(500, tc.nv, tc.dt, 0.5, rand.New(rand.NewPCG(2, 2)))})
	}
	if !testing.Short() {
		r, data := mnistRBM(t, 15)
		models = append(models, model{name: "mnist", r: r, data: data})
	}
	betas, err := ais.ScaledSchedule(4000)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range models {
		exact, err := m.r.ExactLogZ()
		if err != nil {
			t.Fatal(err)
		}
		bA, err := ais.BaseRates(m.data)
		if err != nil {
			t.Fatal(err)
		}
		cfg := ais.Config{Betas: betas, Runs: 100, Seed: 7}
		start := time.Now()
		est, _, err := m.r.AIS(bA, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %d×%d: exact log Z %.4f, AIS %.4f [%.4f, %.4f], ESS %.1f, %v",
			m.name, m.r.Visible(), m.r.Hidden(), exact, est.LogZ, est.LogZLo, est.LogZHi, est.ESS, time.Since(start).Round(time.Millisecond))
		if d := math.Abs(est.LogZ - exact); d > 0.1 {
			t.Errorf("%s: AIS is %.3f nats from the exact log Z", m.name, d)
		}
		if !(est.LogZLo <= exact && exact <= est.LogZHi) {
			t.Errorf("%s: exact log Z %.4f outside the interval [%.4f, %.4f]", m.name, exact, est.LogZLo, est.LogZHi)
		}
		if i == 0 {
			again, _, _ := m.r.AIS(bA, cfg)
			if again != est {
				t.Errorf("%s: a second run with seed 7 gave %+v, first %+v", m.name, again, est)
			}
		}
	}
}

// TestRAISEIsConservative: reverse AIS from data vectors gives estimates of
// log p(v) whose mean lies below the exact mean and close to it.
func TestRAISEIsConservative(t *testing.T) {
	r := randomRBM(t, 40, 10, tensor.Float64, 0.6, 0.5, 5)
	exact, err := r.ExactLogZ()
	if err != nil {
		t.Fatal(err)
	}
	// Data drawn from the model itself, by long Gibbs chains.
	rng := rand.New(rand.NewPCG(3, 3))
	c := r.NewChain(200)
	Sample(c.V, tensor.New(tensor.WithShape(200, 40), tensor.WithBacking(fill(200*40, 0.5))), rng)
	r.Gibbs(c, 500, rng)
	truth := 0.0
	for _, f := range r.FreeEnergy(c.V) {
		truth += (-f - exact) / 200
	}
	bA, _ := ais.BaseRates(c.V)
	betas, _ := ais.ScaledSchedule(1000)
	est, err := r.RAISE(bA, c.V, ais.Config{Betas: betas, Runs: 64, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	got := ais.Mean(est)
	t.Logf("mean log p(v): exact %.4f, RAISE %.4f", truth, got)
	if !(got <= truth+0.02 && got > truth-0.5) {
		t.Errorf("RAISE mean %.4f, exact %.4f: want slightly below", got, truth)
	}
}

func fill(n int, x float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = x
	}
	return s
}
