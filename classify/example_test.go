package classify_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/classify"
	"gorgonia.org/tensor"
)

// XOR needs the hidden layer: a linear classifier cannot get all four
// points right, a net with four hidden units can.
func Example() {
	x := tensor.New(tensor.WithShape(4, 2), tensor.WithBacking([]float32{0, 0, 0, 1, 1, 0, 1, 1}))
	labels := []int{0, 1, 1, 0}
	for _, sizes := range [][]int{{2, 2}, {2, 4, 2}} {
		rng := rand.New(rand.NewPCG(1, 2))
		net, err := classify.NewMLP(sizes, rng)
		if err != nil {
			panic(err)
		}
		for _, w := range net.W { // a larger start than NewMLP's, off XOR's saddle
			for i := range w.Float32s() {
				w.Float32s()[i] = float32(rng.NormFloat64())
			}
		}
		cfg := classify.TrainConfig{Epochs: 2000, Batch: 4, LR: 1, Momentum: 0.9, Seed: 1}
		if err := classify.Train(net, x, labels, cfg, nil); err != nil {
			panic(err)
		}
		e, _ := net.ErrorRate(x, labels)
		fmt.Printf("%v: all four right: %v\n", sizes, e == 0)
	}
	// Output:
	// [2 2]: all four right: false
	// [2 4 2]: all four right: true
}
