package rbm

import (
	"math/rand/v2"
	"testing"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/energy"
	"gorgonia.org/tensor"
)

// BenchmarkStepMNIST times one float32 update at MNIST scale (784×500,
// batch 100, 100 chains under PCD) on real binarised digits, after 300
// updates from Hinton's initialisation, so that the hidden units are as
// sparse as in training (about 90 of 500 on; 100 of 784 pixels). This is
// the sparse path; BenchmarkStep times random dense-ish states.
func BenchmarkStepMNIST(b *testing.B) {
	dir, err := mnist.ResolveDir("")
	if err != nil {
		b.Skip(err)
	}
	s, err := mnist.Load(mnist.Options{Dir: dir, Binarize: data.Stochastic, Seed: 1, Dtype: tensor.Float32, Validation: 1, TrainLimit: 10000})
	if err != nil {
		b.Fatal(err)
	}
	for _, persistent := range []bool{false, true} {
		name := map[bool]string{false: "CD1", true: "PCD1"}[persistent]
		b.Run(name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			r, _ := New(784, 500, tensor.Float32)
			if err := r.InitHinton(s.Train.X, rng); err != nil {
				b.Fatal(err)
			}
			tr, err := NewTrainer(r, energy.TrainConfig{K: 1, Persistent: persistent, Chains: 100, WeightDecay: 1e-4}, 100, rng)
			if err != nil {
				b.Fatal(err)
			}
			bt, err := data.NewBatches(s.Train.X, 100)
			if err != nil {
				b.Fatal(err)
			}
			for i := range 300 {
				tr.Step(bt.Batch(i%bt.Len()), 0.05, 0.5, rng)
			}
			b.ResetTimer()
			for i := range b.N {
				tr.Step(bt.Batch(i%bt.Len()), 0.01, 0.5, rng)
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*600, "s/epoch")
		})
	}
}
