package dbm

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
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

// BenchmarkSweepInput times one layer's input from a neighbour in a
// sweep, 100 chains, as the sums of the active units' coupling rows
// (gather, what the sweeps do) and as a matrix product (dense), at several
// fractions of units on: where one would overtake the other. The layers are the paper's
// (784→500 and 1000→500), with OpenBLAS when the machine has it, one
// thread a block of rows as in training.
func BenchmarkSweepInput(b *testing.B) {
	if _, err := fastblas.Use(fastblas.Auto); err != nil {
		b.Fatal(err)
	}
	fastblas.SingleThreaded()
	defer fastblas.Use(fastblas.Gonum)
	const chains = 100
	for _, sizes := range [][2]int{{784, 500}, {1000, 500}} {
		in, out := sizes[0], sizes[1]
		d, err := New([]int{in, out, 1})
		if err != nil {
			b.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		w := d.w(0)
		for i := range w {
			w[i] = float32(0.01 * rng.NormFloat64())
		}
		x := make([]float32, chains*in)
		idx := make([]int32, chains*in)
		count := make([]int, chains)
		dst := make([]float32, chains*out)
		for _, f := range []float64{0.05, 0.1, 0.2, 0.3, 0.5} {
			for i := range x {
				x[i] = 0
				if rng.Float64() < f {
					x[i] = 1
				}
			}
			for r := range chains {
				count[r], _ = numeric.ActiveIndices(idx[r*in:(r+1)*in], x[r*in:(r+1)*in])
			}
			list := func(r int) []int32 { return idx[r*in:][:count[r]] }
			sums := func(lo, hi int) { numeric.GatherSumRows(dst, w, out, lo, hi, sweepBlock, list) }
			b.Run(fmt.Sprintf("%dx%d/on=%.2f/gather", in, out, f), func(b *testing.B) {
				for b.Loop() {
					d.rowSplit().rangeRows(chains, 4, sums)
				}
			})
			b.Run(fmt.Sprintf("%dx%d/on=%.2f/dense", in, out, f), func(b *testing.B) {
				for b.Loop() {
					d.mulRows(false, chains, out, in, 1, x, w, 0, dst)
				}
			})
		}
	}
}
