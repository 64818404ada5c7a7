package energy_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/rbm/grbm"
	"gorgonia.org/tensor"
)

// A model that supplies its free energy and its Gibbs step (an
// energy.Model, here the Gaussian-Bernoulli RBM of package grbm) trains
// with any of the framework's negative phases; here parallel tempering over
// three temperatures, on two clusters of 2-D points.
func ExampleTrainer() {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 200*2)
	for r := range 200 {
		c := 2.0
		if r%2 == 1 {
			c = -2
		}
		x[2*r], x[2*r+1] = c+0.3*rng.NormFloat64(), -c+0.3*rng.NormFloat64()
	}
	data := tensor.New(tensor.WithShape(200, 2), tensor.WithBacking(x))
	g, _ := grbm.New(2, 3)
	for i := range g.W.Float64s() {
		g.W.Float64s()[i] = 0.01 * rng.NormFloat64()
	}
	cfg := energy.TrainConfig{K: 1, Persistent: true, Chains: 40, Sampler: energy.SamplerPT, Temperatures: 3, BetaMin: 0.5}
	tr, err := energy.NewTrainer(g, cfg, 50, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	meanLogLikelihood := func() float64 {
		logZ, _ := g.ExactLogZ()
		s := 0.0
		for _, f := range g.FreeEnergy(data) {
			s -= f + logZ
		}
		return s / 200
	}
	before := meanLogLikelihood()
	for step := range 2000 {
		lo := step % 4 * 50
		batch := tensor.New(tensor.WithShape(50, 2), tensor.WithBacking(x[lo*2:(lo+50)*2]))
		if err := tr.Step(batch, 0.01, 0.5, rng); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("log-likelihood up by more than a nat:", meanLogLikelihood() > before+1)
	fmt.Println("swap rates reported for each pair of temperatures:", len(tr.SamplerStats()))
	// Output:
	// log-likelihood up by more than a nat: true
	// swap rates reported for each pair of temperatures: 2
}
