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
	Sampler      string  `json:"sampler" yaml:"sampler"`
	FastDecay    float64 `json:"fast_decay" yaml:"fast_decay"`
	FastLR       float64 `json:"fast_lr" yaml:"fast_lr"`
	Temperatures int     `json:"temperatures" yaml:"temperatures"`
	BetaMin      float64 `json:"beta_min" yaml:"beta_min"`
	TempSpacing  string  `json:"temp_spacing" yaml:"temp_spacing"`
}

func rbmDefaults() RBMOptions {
	return RBMOptions{Sampler: energy.SamplerPCD, FastDecay: 0.95, Temperatures: 5, TempSpacing: "linear"}
}

// rbmConfig is the RBM trainer's part of the configuration.
func (c Config) rbmConfig() energy.TrainConfig {
	return energy.TrainConfig{
		K:              c.K,
		Persistent:     c.PCD,
		Chains:         c.Chains,
		WeightDecay:    c.WeightDecay,
		SparsityTarget: c.SparsityTarget,
		SparsityCost:   c.SparsityCost,
		Sampler:        c.Sampler,
		FastDecay:      c.FastDecay,
		FastLR:         c.FastLR,
		Temperatures:   c.Temperatures,
		BetaMin:        c.BetaMin,
		TempSpacing:    c.TempSpacing,
	}
}

// validateSampler checks the sampler's fields of an RBM of either kind.
func validateSampler(c Config, bad func(field, format string, args ...any)) {
	if c.Sampler != "" && c.Sampler != energy.SamplerPCD {
		if err := c.rbmConfig().Validate(); err != nil {
			bad("sampler", "%v", strings.TrimPrefix(err.Error(), "energy: "))
		}
	}
}

func rbmKind() Kind {
	return Kind{
		ignores: slices.Concat(grbmFields, dbmFields, hopfieldFields, bmFields),
		Name:    rbm.Kind,
		Summary: "restricted Boltzmann machine with binary units (CD-k, PCD-k, FPCD, PT)",
		Validate: func(c Config, bad func(field, format string, args ...any)) {
			validateSampler(c, bad)
			if (c.Sampler == energy.SamplerFPCD || c.Sampler == energy.SamplerPT) && (c.DType != "float32" || c.Binarize == string(data.NoBinarization)) {
				bad("sampler", "%s runs on binary float32 data: want dtype float32 and a binarisation other than none", c.Sampler)
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
