package rbm

import (
	"fmt"

	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"

	"gorgonia.org/tensor"
)

// BenchmarkStep times one update at MNIST scale (784×500, batch 100) and
// reports GFLOP/s counting the five matrix products of a CD-1 or PCD-1
// update (p(h|v₀), p(v|h), p(h|v₁), and the two outer-product statistics),
// 2·100·784·500 flops each; PCD's one extra product, p(h|chains) before
// the step, is counted too.
func BenchmarkStep(b *testing.B) {
	for _, lib := range []string{fastblas.Gonum, fastblas.SIMDName, fastblas.OpenName} {
		if _, err := fastblas.Use(lib); err != nil {
			b.Logf("skipping %s: %v", lib, err)
			continue
		}
		b.Run(lib, benchmarkStep)
	}
	_, _ = fastblas.Use(fastblas.Gonum)
}

func benchmarkStep(b *testing.B) {
	const nv, nh, batch = 784, 500, 100
	for _, tc := range []struct {
		name       string
		dt         tensor.Dtype
		persistent bool
		grey       bool // values between 0 and 1: the dense path
	}{
		{"CD1/float32", tensor.Float32, false, false},
		{"PCD1/float32", tensor.Float32, true, false},
		{"CD1/float32-grey", tensor.Float32, false, true},
		{"CD1/float64", tensor.Float64, false, false},
		{"PCD1/float64", tensor.Float64, true, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			r := randomRBM(b, nv, nh, tc.dt, 0.01, 0.1, 3)
			v := binaryBatch(batch, nv, tc.dt, 0.13, rng)
			if tc.grey {
				greyen(v, rng)
			}
			tr, err := NewTrainer(r, energy.TrainConfig{K: 1, Persistent: tc.persistent, Chains: batch, WeightDecay: 1e-4}, batch, rng)
			if err != nil {
				b.Fatal(err)
			}
			products := 5.0
			if tc.persistent {
				products = 6
			}
			flops := products * 2 * batch * nv * nh
			b.ResetTimer()
			for range b.N {
				tr.Step(v, 0.01, 0.5, rng)
			}
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkCD1 is the issue's headline number: one CD-1 update at 784×500
// with batch 100 in float32.
func BenchmarkCD1(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	r := randomRBM(b, 784, 500, tensor.Float32, 0.01, 0.1, 3)
	v := binaryBatch(100, 784, tensor.Float32, 0.13, rng)
	tr, err := NewTrainer(r, energy.TrainConfig{K: 1}, 100, rng)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		tr.Step(v, 0.01, 0.5, rng)
	}
	b.ReportMetric(5*2*100*784*500*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func Example() {
	// A 6-pixel world with two patterns; an RBM with 2 hidden units learns
	// them by CD-1 and then gives them a lower free energy than noise.
	data := tensor.New(tensor.WithShape(4, 6), tensor.WithBacking([]float64{
		1, 1, 1, 0, 0, 0,
		0, 0, 0, 1, 1, 1,
		1, 1, 1, 0, 0, 0,
		0, 0, 0, 1, 1, 1,
	}))
	rng := rand.New(rand.NewPCG(1, 2))
	r, _ := New(6, 2, tensor.Float64)
	_ = r.InitHinton(data, rng)
	tr, _ := NewTrainer(r, energy.TrainConfig{K: 1}, 4, rng)
	for range 2000 {
		tr.Step(data, 0.1, 0.5, rng)
	}
	probe := tensor.New(tensor.WithShape(2, 6), tensor.WithBacking([]float64{
		1, 1, 1, 0, 0, 0, // a pattern
		1, 0, 1, 0, 1, 0, // noise
	}))
	f := r.FreeEnergy(probe)
	fmt.Println("pattern more probable than noise:", f[0] < f[1]-3)
	// Output: pattern more probable than noise: true
}

// greyen scales each value of v by a uniform draw, so that the batch is
// not binary and the trainer takes its dense path.
func greyen(v *tensor.Dense, rng *rand.Rand) {
	for i := range v.Shape().TotalSize() {
		setAt(v, i, at(v, i)*rng.Float64())
	}
}
