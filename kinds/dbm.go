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
	Layers         []int   `json:"layers,omitempty" yaml:"layers" help:"hidden layer sizes, bottom up ({500,1000})" group:"model"`
	PretrainEpochs int     `json:"pretrain_epochs,omitempty" yaml:"pretrain_epochs" help:"greedy pretraining epochs per hidden layer, before the -epochs of joint training" group:"dbm"`
	PretrainLR     float64 `json:"pretrain_lr,omitempty" yaml:"pretrain_lr" help:"learning rate of the pretraining RBMs" group:"dbm"`
	// PretrainK is the number of Gibbs steps of the pretraining RBMs' CD
	// (0 or 1: CD-1, the reference code's for the bottom RBM).
	PretrainK int `json:"pretrain_k,omitempty" yaml:"pretrain_k" help:"Gibbs steps of the pretraining RBMs' CD (0 or 1: CD-1)" group:"dbm"`
	// PretrainLRFinal, when positive, makes each layer's pretraining decay
	// its learning rate linearly from PretrainLR to PretrainLRFinal (0:
	// constant, as in the reference code).
	PretrainLRFinal float64 `json:"pretrain_lr_final,omitempty" yaml:"pretrain_lr_final" help:"decay each layer's pretraining rate linearly to this (0: constant)" group:"dbm"`
	// PretrainSample makes pretraining binary throughout, as the reference
	// code is: sampled reconstructions, and sampled states carried up as
	// the next layer's data (false: probabilities for both).
	PretrainSample bool `json:"pretrain_sample,omitempty" yaml:"pretrain_sample" help:"pretrain on binary states throughout (sampled reconstructions, sampled states carried up), as the reference code does" group:"dbm"`
	// PretrainWeightDecay is the pretraining RBMs' L2 penalty on the
	// couplings (weight_decay applies to joint training).
	PretrainWeightDecay float64 `json:"pretrain_weight_decay,omitempty" yaml:"pretrain_weight_decay" help:"L2 weight decay of the pretraining RBMs (-weight-decay applies to joint training)" group:"dbm"`
	MeanFieldIters      int     `json:"mean_field_iters,omitempty" yaml:"mean_field_iters" help:"most mean-field rounds per minibatch" group:"dbm"`
	MeanFieldTol        float64 `json:"mean_field_tol,omitempty" yaml:"mean_field_tol" help:"stop mean-field when no mean moves by more than this" group:"dbm"`
}

func dbmDefaults() DBMOptions {
	return DBMOptions{PretrainLR: 0.05, PretrainWeightDecay: 0.001, MeanFieldIters: 10, MeanFieldTol: 1e-7}
}

func (c Config) dbmConfig() dbm.TrainConfig {
	o := Own[DBMOptions](c)
	return dbm.TrainConfig{
		PretrainEpochs: o.PretrainEpochs, K: c.K, Chains: c.Chains,
		MeanField:   dbm.MeanFieldConfig{Iters: o.MeanFieldIters, Tol: o.MeanFieldTol},
		WeightDecay: c.WeightDecay, PretrainWeightDecay: o.PretrainWeightDecay, PretrainK: o.PretrainK,
		PretrainLR: o.PretrainLR, PretrainLRFinal: o.PretrainLRFinal,
		PretrainSample: o.PretrainSample,
		SparsityTarget: c.SparsityTarget, SparsityCost: c.SparsityCost,
	}
}

func dbmKind() Kind {
	return Kind{
		Name:     dbm.Kind,
		Options:  []any{dbmDefaults()},
		Reads:    slices.Concat(loopFields, without(sharedFields, "hidden"), []string{"sampler"}),
		Summary:  "deep Boltzmann machine (-layers): greedy pretraining, then joint training by mean-field and persistent chains",
		Validate: validateDBM,
		Build: func(c Config) train.Builder {
			return func(visible int, init *tensor.Dense, rng *rand.Rand) (train.Learner, error) {
				d, err := dbm.New(append([]int{visible}, Own[DBMOptions](c).Layers...))
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
			o := Own[DBMOptions](c)
			return fmt.Sprintf("a DBM with hidden layers %v (%d pretraining epochs per layer, then %d joint)", o.Layers, o.PretrainEpochs, c.Epochs)
		},
		Stages: func(c Config) []train.Stage { return c.dbmConfig().Stages(len(Own[DBMOptions](c).Layers), c.Epochs) },
	}
}

func validateDBM(c Config, bad func(field, format string, args ...any)) {
	o := Own[DBMOptions](c)
	if len(o.Layers) < 2 {
		bad("layers", "%v: a DBM needs at least two hidden layers (500,1000, say)", o.Layers)
	}
	for i, n := range o.Layers {
		if n < 1 {
			bad("layers", "hidden layer %d has %d units: want at least 1", i+1, n)
		}
	}
	if c.DType != "float32" || c.Binarize == string(data.NoBinarization) {
		bad("model", "dbm models binary data in float32: want dtype float32 and a binarisation other than none")
	}
	if !c.PCD || (Own[RBMOptions](c).Sampler != "" && Own[RBMOptions](c).Sampler != energy.SamplerPCD) {
		bad("sampler", "a DBM's negative phase is persistent Gibbs chains: want pcd true and sampler pcd")
	}
	if o.PretrainEpochs < 0 {
		bad("pretrain_epochs", "%d: must not be negative", o.PretrainEpochs)
	}
	if o.PretrainEpochs > 0 && !(o.PretrainLR > 0) {
		bad("pretrain_lr", "%g: want a positive learning rate", o.PretrainLR)
	}
	if o.PretrainK < 0 {
		bad("pretrain_k", "%d Gibbs steps: want 1 or more (0 means 1)", o.PretrainK)
	}
	if o.PretrainLRFinal < 0 || o.PretrainLRFinal > o.PretrainLR {
		bad("pretrain_lr_final", "%g: want 0 (constant) or a rate in (0, pretrain_lr]", o.PretrainLRFinal)
	}
	if o.PretrainWeightDecay < 0 {
		bad("pretrain_weight_decay", "%g: must not be negative", o.PretrainWeightDecay)
	}
	if o.MeanFieldIters < 1 {
		bad("mean_field_iters", "%d: want at least 1", o.MeanFieldIters)
	}
	if o.MeanFieldTol < 0 {
		bad("mean_field_tol", "%g: must not be negative", o.MeanFieldTol)
	}
}
