package kinds

import (
	"fmt"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/rbm"
	"github.com/boltzmann-go/boltzmann/train"
)

// RBMOptions are the binary RBM's own fields, which the Gaussian RBM
// shares: the negative phase under PCD, pcd (persistent chains), fpcd
// (fast weights, Tieleman & Hinton 2009) or pt (parallel tempering), and
// their settings.
type RBMOptions struct {
	Sampler      string  `json:"sampler" yaml:"sampler" help:"negative phase under PCD: pcd, fpcd (fast weights) or pt (parallel tempering); for rbm and grbm" group:"negative phase"`
	FastDecay    float64 `json:"fast_decay" yaml:"fast_decay" help:"factor on the fast weights each update" group:"negative phase"`
	FastLR       float64 `json:"fast_lr" yaml:"fast_lr" help:"learning rate of the fast weights (0: the regular one)" group:"negative phase"`
	Temperatures int     `json:"temperatures" yaml:"temperatures" help:"inverse temperatures, -chains chains at each" group:"negative phase"`
	BetaMin      float64 `json:"beta_min" yaml:"beta_min" help:"lowest inverse temperature" group:"negative phase"`
	TempSpacing  string  `json:"temp_spacing" yaml:"temp_spacing" help:"linear or geometric spacing of the inverse temperatures" group:"negative phase"`
}

func rbmDefaults() RBMOptions {
	return RBMOptions{Sampler: energy.SamplerPCD, FastDecay: 0.95, Temperatures: 5, TempSpacing: "linear"}
}

// rbmConfig is the RBM trainer's part of the configuration.
func (c Config) rbmConfig() energy.TrainConfig {
	o := Own[RBMOptions](c)
	return energy.TrainConfig{
		K:              c.K,
		Persistent:     c.PCD,
		Chains:         c.Chains,
		WeightDecay:    c.WeightDecay,
		SparsityTarget: c.SparsityTarget,
		SparsityCost:   c.SparsityCost,
		Sampler:        o.Sampler,
		FastDecay:      o.FastDecay,
		FastLR:         o.FastLR,
		Temperatures:   o.Temperatures,
		BetaMin:        o.BetaMin,
		TempSpacing:    o.TempSpacing,
	}
}

// validateSampler checks the sampler's fields of an RBM of either kind.
func validateSampler(c Config, bad func(field, format string, args ...any)) {
	if s := Own[RBMOptions](c).Sampler; s != "" && s != energy.SamplerPCD {
		if err := c.rbmConfig().Validate(); err != nil {
			bad("sampler", "%v", strings.TrimPrefix(err.Error(), "energy: "))
		}
	}
}

func rbmKind() Kind {
	return Kind{
		Name:    rbm.Kind,
		Options: []any{rbmDefaults()},
		Reads:   slices.Concat(loopFields, sharedFields),
		Summary: "restricted Boltzmann machine with binary units (CD-k, PCD-k, FPCD, PT)",
		Validate: func(c Config, bad func(field, format string, args ...any)) {
			validateSampler(c, bad)
			if s := Own[RBMOptions](c).Sampler; (s == energy.SamplerFPCD || s == energy.SamplerPT) && (c.DType != "float32" || c.Binarize == string(data.NoBinarization)) {
				bad("sampler", "%s runs on binary float32 data: want dtype float32 and a binarisation other than none", s)
			}
		},
		Build: func(c Config) train.Builder {
			return rbm.Builder(c.Hidden, c.Dtype(), c.rbmConfig(), c.Batch)
		},
		InputWeight: rbm.NameW,
		// The float32 path for binary data sums rows of W on goroutines
		// of its own, with no BLAS.
		OwnParallelism: func(c Config) bool {
			return c.DType == "float32" && c.Binarize != string(data.NoBinarization) && numeric.VectorKernels()
		},
		Describe: func(c Config) string { return fmt.Sprintf("rbm with %d hidden units", c.Hidden) },
	}
}
