package dbm

import (
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"gorgonia.org/tensor"
)

// BenchmarkJointStep times one joint update of the paper's 784-500-1000
// DBM (batch 100, 100 chains, 5 Gibbs sweeps, 10 mean-field rounds) on a
// random binary batch, with OpenBLAS when the machine has it.
func BenchmarkJointStep(b *testing.B) {
	if _, err := fastblas.Use(fastblas.Auto); err != nil {
		b.Fatal(err)
	}
	fastblas.SingleThreaded()
	defer fastblas.Use(fastblas.Gonum)
	d, err := New([]int{784, 500, 1000})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	v := tensor.New(tensor.WithShape(100, 784), tensor.Of(tensor.Float32))
	for i := range v.Float32s() {
		if rng.Float64() < 0.13 {
			v.Float32s()[i] = 1
		}
	}
	if err := d.InitRandom(v, rng); err != nil {
		b.Fatal(err)
	}
	tr, err := NewTrainer(d, TrainConfig{K: 5, Chains: 100, MeanField: MeanFieldConfig{Iters: 10}, WeightDecay: 2e-4}, 100)
	if err != nil {
		b.Fatal(err)
	}
	tr.BeginEpoch(0)
	tr.Step(v, 0.001, 0.5, rng)
	b.ResetTimer()
	for range b.N {
		tr.Step(v, 0.001, 0.5, rng)
	}
}
