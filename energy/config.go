package energy

import (
	"fmt"
	"math"

	"gorgonia.org/tensor"
)

// TrainConfig holds the hyperparameters of CD-k and PCD-k that stay fixed
// during a run. The learning rate and momentum change along schedules and
// are passed to each step (the binary RBM's rbm.Trainer.Step, [Trainer.Step]).
type TrainConfig struct {
	// K is the number of Gibbs steps per update (CD-K or PCD-K).
	K int
	// Persistent selects PCD: the negative chains carry over between updates
	// (Tieleman 2008) instead of restarting at the data.
	Persistent bool
	// Chains is the number of persistent chains (PCD only).
	Chains int
	// WeightDecay is the L2 coefficient on W (not the biases).
	WeightDecay float64
	// SparsityTarget, when positive, pulls the mean activity q_j of each hidden
	// unit towards it (Hinton's practical guide §11): q is a running average
	// q ← 0.9q + 0.1·mean p(h_j|v), and SparsityCost·(q_j − target) is
	// subtracted from the gradient of c_j, and times mean v_i from that of W_ij.
	SparsityTarget float64
	SparsityCost   float64

	// Sampler is the negative phase under PCD: SamplerPCD (the default),
	// SamplerFPCD or SamplerPT; see their documentation.
	Sampler string
	// FastDecay and FastLR set FPCD's fast weights: each update they are
	// multiplied by FastDecay (default 19/20) and moved by FastLR (default:
	// the learning rate of the update) times the gradient.
	FastDecay, FastLR float64
	// Temperatures and BetaMin set PT's ladder of inverse temperatures
	// 1 = β_0 > … > β_{T−1} = BetaMin, spaced linearly in β, or
	// geometrically when TempSpacing is "geometric" (BetaMin > 0 then).
	Temperatures int
	BetaMin      float64
	TempSpacing  string
}

// Negative-phase samplers of PCD.
const (
	// SamplerPCD runs the persistent chains on the model (Tieleman 2008).
	SamplerPCD = "pcd"
	// SamplerFPCD runs them on the model plus fast weights, which follow
	// the gradient with a large rate and decay fast, pushing the chains out
	// of the modes they have just visited (Tieleman & Hinton, ICML 2009).
	SamplerFPCD = "fpcd"
	// SamplerPT runs Chains chains at each of Temperatures inverse
	// temperatures and swaps the states of neighbours by the Metropolis
	// rule; the β = 1 chains give the statistics (Desjardins et al.,
	// AISTATS 2010; Cho, Raiko & Ilin, IJCNN 2010).
	SamplerPT = "pt"
)

// Betas returns PT's inverse temperatures, β_0 = 1 first.
func (c TrainConfig) Betas() []float64 {
	n := max(c.Temperatures, 1)
	b := make([]float64, n)
	for k := range b {
		f := 0.0
		if n > 1 {
			f = float64(k) / float64(n-1)
		}
		if c.TempSpacing == "geometric" {
			b[k] = math.Pow(c.BetaMin, f)
		} else {
			b[k] = 1 - f*(1-c.BetaMin)
		}
	}
	return b
}

// Validate checks the configuration.
func (c TrainConfig) Validate() error {
	switch {
	case c.K < 1:
		return fmt.Errorf("energy: k = %d Gibbs steps: want at least 1", c.K)
	case c.Persistent && c.Chains < 1:
		return fmt.Errorf("energy: %d persistent chains: want at least 1", c.Chains)
	case c.WeightDecay < 0:
		return fmt.Errorf("energy: weight decay %g must not be negative", c.WeightDecay)
	case c.SparsityTarget < 0 || c.SparsityTarget >= 1:
		return fmt.Errorf("energy: sparsity target %g must lie in [0, 1)", c.SparsityTarget)
	case c.SparsityCost < 0:
		return fmt.Errorf("energy: sparsity cost %g must not be negative", c.SparsityCost)
	}
	switch c.Sampler {
	case "", SamplerPCD:
	case SamplerFPCD, SamplerPT:
		if !c.Persistent {
			return fmt.Errorf("energy: sampler %s needs persistent chains (PCD)", c.Sampler)
		}
	default:
		return fmt.Errorf("energy: unknown sampler %q: want pcd, fpcd or pt", c.Sampler)
	}
	if c.Sampler == SamplerFPCD && (c.FastDecay < 0 || c.FastDecay >= 1 || c.FastLR < 0) {
		return fmt.Errorf("energy: fast decay %g must lie in [0, 1) and fast learning rate %g must not be negative", c.FastDecay, c.FastLR)
	}
	if c.Sampler == SamplerPT {
		switch {
		case c.Temperatures < 2:
			return fmt.Errorf("energy: parallel tempering with %d temperatures: want at least 2", c.Temperatures)
		case c.TempSpacing != "" && c.TempSpacing != "linear" && c.TempSpacing != "geometric":
			return fmt.Errorf("energy: temperature spacing %q: want linear or geometric", c.TempSpacing)
		case c.BetaMin < 0 || c.BetaMin >= 1 || (c.TempSpacing == "geometric" && c.BetaMin == 0):
			return fmt.Errorf("energy: lowest inverse temperature %g must lie in [0, 1), and above 0 when geometric", c.BetaMin)
		}
	}
	return nil
}

// SwapRates turns PT's counts [attempts | acceptances] of each pair of
// neighbouring temperatures into acceptance rates (0 for a pair with no
// proposal) and clears them; nil when there is no PT.
func SwapRates(swaps *tensor.Dense) []float64 {
	if swaps == nil {
		return nil
	}
	c := swaps.Float64s()
	pairs := len(c) / 2
	out := make([]float64, pairs)
	for k := range out {
		if c[k] > 0 {
			out[k] = c[pairs+k] / c[k]
		}
	}
	clear(c)
	return out
}

// ChainRows is the number of persistent chain rows: Chains at each
// temperature under PT.
func (c TrainConfig) ChainRows() int {
	if c.Sampler == SamplerPT {
		return c.Chains * c.Temperatures
	}
	return c.Chains
}
