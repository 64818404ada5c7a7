package grbm

import (
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"gorgonia.org/tensor"
)

// BenchmarkStep times one CD-1 update of a 784×500 Gaussian RBM on a
// minibatch of 100 rows through the energy trainer (the sampling and the
// autodiff gradient), in float64 and float32, with each BLAS.
// experiments/bench sets it beside PyTorch's autograd.
func BenchmarkStep(b *testing.B) {
	for _, lib := range []string{fastblas.SIMDName, fastblas.OpenName} {
		if _, err := fastblas.Use(lib); err != nil {
			b.Logf("skipping %s: %v", lib, err)
			continue
		}
		for _, f32 := range []bool{false, true} {
			name := lib + "/float64"
			if f32 {
				name = lib + "/float32"
			}
			b.Run(name, func(b *testing.B) { benchmarkStep(b, f32) })
		}
	}
	_, _ = fastblas.Use(fastblas.Gonum)
}

func benchmarkStep(b *testing.B, float32 bool) {
	const nv, nh, batch = 784, 500, 100
	rng := rand.New(rand.NewPCG(1, 2))
	g, err := New(nv, nh)
	if err != nil {
		b.Fatal(err)
	}
	x := make([]float64, 10*batch*nv)
	for i := range x {
		x[i] = rng.Float64() * float64(rng.IntN(2))
	}
	data := tensor.New(tensor.WithShape(10*batch, nv), tensor.WithBacking(x))
	tr, err := NewTrainer(g, TrainConfig{TrainConfig: energy.TrainConfig{K: 1, WeightDecay: 1e-4}, LogVarRate: 0.1, Float32: float32}, batch, data, rng)
	if err != nil {
		b.Fatal(err)
	}
	v := tensor.New(tensor.WithShape(batch, nv), tensor.WithBacking(x[:batch*nv]))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		copy(v.Float64s(), x[(i%10)*batch*nv:])
		if err := tr.Step(v, 1e-3, 0.5, rng); err != nil {
			b.Fatal(err)
		}
	}
}
