package kinds

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// DBMOptions are a deep Boltzmann machine's own fields: the hidden
// layers' sizes, the greedy pretraining of each (its epochs, before the
// epochs of joint training, its learning rate, CD steps, binary states and
// weight decay) and the mean-field iteration of the positive phase.
type DBMOptions struct {
	Layers         []int   `json:"layers,omitempty" yaml:"layers"`
	PretrainEpochs int     `json:"pretrain_epochs,omitempty" yaml:"pretrain_epochs"`
	PretrainLR     float64 `json:"pretrain_lr,omitempty" yaml:"pretrain_lr"`
	// PretrainK is the number of Gibbs steps of the pretraining RBMs' CD
	// (0 or 1: CD-1, the reference code's for the bottom RBM).
	PretrainK int `json:"pretrain_k,omitempty" yaml:"pretrain_k"`
	// PretrainLRFinal, when positive, makes each layer's pretraining decay
	// its learning rate linearly from PretrainLR to PretrainLRFinal (0:
	// constant, as in the reference code).
	PretrainLRFinal float64 `json:"pretrain_lr_final,omitempty" yaml:"pretrain_lr_final"`
	// PretrainSample makes pretraining binary throughout, as the reference
	// code is: sampled reconstructions, and sampled states carried up as
	// the next layer's data (false: probabilities for both).
	PretrainSample bool `json:"pretrain_sample,omitempty" yaml:"pretrain_sample"`
	// PretrainWeightDecay is the pretraining RBMs' L2 penalty on the
	// couplings (weight_decay applies to joint training).
	PretrainWeightDecay float64 `json:"pretrain_weight_decay,omitempty" yaml:"pretrain_weight_decay"`
	MeanFieldIters      int     `json:"mean_field_iters,omitempty" yaml:"mean_field_iters"`
	MeanFieldTol        float64 `json:"mean_field_tol,omitempty" yaml:"mean_field_tol"`
}

func dbmDefaults() DBMOptions {
	return DBMOptions{PretrainLR: 0.05, PretrainWeightDecay: 0.001, MeanFieldIters: 10, MeanFieldTol: 1e-7}
}

func (c Config) dbmConfig() dbm.TrainConfig {
	return dbm.TrainConfig{
		PretrainEpochs: c.PretrainEpochs, K: c.K, Chains: c.Chains,
		MeanField:   dbm.MeanFieldConfig{Iters: c.MeanFieldIters, Tol: c.MeanFieldTol},
		WeightDecay: c.WeightDecay, PretrainWeightDecay: c.PretrainWeightDecay, PretrainK: c.PretrainK,
		PretrainLR: c.PretrainLR, PretrainLRFinal: c.PretrainLRFinal,
		PretrainSample: c.PretrainSample,
		SparsityTarget: c.SparsityTarget, SparsityCost: c.SparsityCost,
	}
}

func dbmKind() Kind {
	return Kind{
		ignores:  slices.Concat([]string{"hidden"}, without(rbmFields, "sampler"), grbmFields, hopfieldFields, bmFields),
		Name:     dbm.Kind,
		Summary:  "deep Boltzmann machine (-layers): greedy pretraining, then joint training by mean-field and persistent chains",
		Validate: validateDBM,
		Build: func(c Config) train.Builder {
			return func(visible int, init *tensor.Dense, rng *rand.Rand) (train.Learner, error) {
				d, err := dbm.New(append([]int{visible}, c.Layers...))
				if err != nil {
					return nil, err
				}
				if init != nil {
					if err := d.InitRandom(init, rng); err != nil {
						return nil, err
					}
				}
				return dbm.NewTrainer(d, c.dbmConfig(), c.Batch)
			}
		},
		InputWeight:    "W1",
		OwnParallelism: func(Config) bool { return true },
		Describe: func(c Config) string {
			return fmt.Sprintf("a DBM with hidden layers %v (%d pretraining epochs per layer, then %d joint)", c.Layers, c.PretrainEpochs, c.Epochs)
		},
		Stages: func(c Config) []train.Stage { return c.dbmConfig().Stages(len(c.Layers), c.Epochs) },
	}
}

func validateDBM(c Config, bad func(field, format string, args ...any)) {
	if len(c.Layers) < 2 {
		bad("layers", "%v: a DBM needs at least two hidden layers (500,1000, say)", c.Layers)
	}
	for i, n := range c.Layers {
		if n < 1 {
			bad("layers", "hidden layer %d has %d units: want at least 1", i+1, n)
		}
	}
	if c.DType != "float32" || c.Binarize == string(data.NoBinarization) {
		bad("model", "dbm models binary data in float32: want dtype float32 and a binarisation other than none")
	}
	if !c.PCD || (c.Sampler != "" && c.Sampler != energy.SamplerPCD) {
		bad("sampler", "a DBM's negative phase is persistent Gibbs chains: want pcd true and sampler pcd")
	}
	if c.PretrainEpochs < 0 {
		bad("pretrain_epochs", "%d: must not be negative", c.PretrainEpochs)
	}
	if c.PretrainEpochs > 0 && !(c.PretrainLR > 0) {
		bad("pretrain_lr", "%g: want a positive learning rate", c.PretrainLR)
	}
	if c.PretrainK < 0 {
		bad("pretrain_k", "%d Gibbs steps: want 1 or more (0 means 1)", c.PretrainK)
	}
	if c.PretrainLRFinal < 0 || c.PretrainLRFinal > c.PretrainLR {
		bad("pretrain_lr_final", "%g: want 0 (constant) or a rate in (0, pretrain_lr]", c.PretrainLRFinal)
	}
	if c.PretrainWeightDecay < 0 {
		bad("pretrain_weight_decay", "%g: must not be negative", c.PretrainWeightDecay)
	}
	if c.MeanFieldIters < 1 {
		bad("mean_field_iters", "%d: want at least 1", c.MeanFieldIters)
	}
	if c.MeanFieldTol < 0 {
		bad("mean_field_tol", "%g: must not be negative", c.MeanFieldTol)
	}
}
