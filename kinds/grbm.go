package kinds

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/rbm/grbm"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// GRBMOptions are the Gaussian-Bernoulli RBM's own fields (it shares the
// binary RBM's sampler fields).
type GRBMOptions struct {
	// LogVarRate scales the learning rate of the log-variances.
	LogVarRate float64 `json:"logvar_rate" yaml:"logvar_rate" help:"learning rate of the log-variances, as a fraction of -lr" group:"grbm"`
}

func grbmDefaults() GRBMOptions { return GRBMOptions{LogVarRate: 0.1} }

func grbmKind() Kind {
	return Kind{
		Options: []any{grbmDefaults()},
		// The sampler's fields are the binary RBM's.
		Reads: slices.Concat(loopFields, sharedFields, Fields(RBMOptions{})),
		Defaults: func(c *Config, given func(string) bool) {
			if !given("binarize") {
				c.Binarize = string(data.NoBinarization)
			}
			if !given("dtype") {
				c.DType = "float64"
			}
		},
		Name:    grbm.Kind,
		Summary: "Gaussian-Bernoulli RBM for grey levels (binarize none; dtype float64, or float32 for speed), trained by autodiff of its free energy",
		Validate: func(c Config, bad func(field, format string, args ...any)) {
			if c.Binarize != string(data.NoBinarization) {
				bad("model", "grbm models grey levels: want binarize none")
			}
			if c.SparsityTarget > 0 {
				bad("sparsity_target", "a sparsity target is the binary RBM's only: want 0 for grbm")
			}
			if r := Own[GRBMOptions](c).LogVarRate; r < 0 {
				bad("logvar_rate", "%g: must not be negative", r)
			}
			validateSampler(c, bad)
		},
		Build: func(c Config) train.Builder {
			return func(visible int, init *tensor.Dense, rng *rand.Rand) (train.Learner, error) {
				g, err := grbm.New(visible, c.Hidden)
				if err != nil {
					return nil, err
				}
				return grbm.NewTrainer(g, grbm.TrainConfig{TrainConfig: c.rbmConfig(), LogVarRate: Own[GRBMOptions](c).LogVarRate, Float32: c.DType == "float32"}, c.Batch, init, rng)
			}
		},
		InputWeight: rbm.NameW,
		Describe:    func(c Config) string { return fmt.Sprintf("grbm with %d hidden units", c.Hidden) },
	}
}
