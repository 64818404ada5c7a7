package train_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// The built-in RBM trained on plain rows: two noisy bar patterns of 16
// pixels, a data set from [][]float32, and the loop with its defaults but
// for the epochs and the batch.
func ExampleRun() {
	rows := barRows(400, rand.New(rand.NewPCG(1, 2)))
	set, err := data.FromRows(rows[:300], rows[300:])
	if err != nil {
		panic(err)
	}
	cfg := train.Defaults()
	cfg.Epochs, cfg.Batch, cfg.LR = 20, 20, 0.1
	build := rbm.Builder(4, tensor.Float32, energy.TrainConfig{K: 1, Persistent: true, Chains: 20}, cfg.Batch)
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	res, err := train.Run(context.Background(), cfg, build, set, train.Options{Dir: dir, Kind: rbm.Kind})
	if err != nil {
		panic(err)
	}
	ms, _ := train.ReadMetrics(dir)
	fmt.Printf("%d epochs; reconstruction error fell: %v\n", res.Progress.Epoch, ms[len(ms)-1].TrainRecon < ms[0].TrainRecon/2)
	// Output: 20 epochs; reconstruction error fell: true
}

// barRows makes n rows of a 4×4 image: the top two rows lit or the left
// two columns lit, each pixel flipped with probability 0.05.
func barRows(n int, rng *rand.Rand) [][]float32 {
	out := make([][]float32, n)
	for i := range out {
		r := make([]float32, 16)
		for p := range r {
			on := p < 8
			if i%2 == 1 {
				on = p%4 < 2
			}
			if rng.Float64() < 0.05 {
				on = !on
			}
			if on {
				r[p] = 1
			}
		}
		out[i] = r
	}
	return out
}
