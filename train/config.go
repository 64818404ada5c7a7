package train

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/dbm"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/rbm"
	"gopkg.in/yaml.v3"
)

// Config is every setting of a training run. Field names in a config file
// are the flag names with dashes turned into underscores (weight_decay for
// -weight-decay). The whole Config is saved in each checkpoint.
type Config struct {
	Model  string `json:"model" yaml:"model"`
	Hidden int    `json:"hidden" yaml:"hidden"`
	Epochs int    `json:"epochs" yaml:"epochs"`
	Batch  int    `json:"batch" yaml:"batch"`

	LR         float64 `json:"lr" yaml:"lr"`
	LRSchedule string  `json:"lr_schedule" yaml:"lr_schedule"`
	LRFinal    float64 `json:"lr_final" yaml:"lr_final"`
	LRDecay    float64 `json:"lr_decay" yaml:"lr_decay"`
	// LRFloor, when positive, is the least rate of the exponential
	// schedule (the reference DBM code's floor of 1e-4; 0: none).
	LRFloor float64 `json:"lr_floor,omitempty" yaml:"lr_floor"`

	Momentum        float64 `json:"momentum" yaml:"momentum"`
	MomentumInitial float64 `json:"momentum_initial" yaml:"momentum_initial"`
	MomentumEpochs  int     `json:"momentum_epochs" yaml:"momentum_epochs"`

	K              int     `json:"k" yaml:"k"`
	PCD            bool    `json:"pcd" yaml:"pcd"`
	Chains         int     `json:"chains" yaml:"chains"`
	WeightDecay    float64 `json:"weight_decay" yaml:"weight_decay"`
	SparsityTarget float64 `json:"sparsity_target" yaml:"sparsity_target"`
	SparsityCost   float64 `json:"sparsity_cost" yaml:"sparsity_cost"`

	// The negative phase under PCD: pcd, fpcd (fast weights) or pt
	// (parallel tempering); see rbm.TrainConfig.
	Sampler      string  `json:"sampler" yaml:"sampler"`
	FastDecay    float64 `json:"fast_decay" yaml:"fast_decay"`
	FastLR       float64 `json:"fast_lr" yaml:"fast_lr"`
	Temperatures int     `json:"temperatures" yaml:"temperatures"`
	BetaMin      float64 `json:"beta_min" yaml:"beta_min"`
	TempSpacing  string  `json:"temp_spacing" yaml:"temp_spacing"`

	// LogVarRate scales the learning rate of a Gaussian RBM's log-variances.
	LogVarRate float64 `json:"logvar_rate" yaml:"logvar_rate"`

	DType      string `json:"dtype" yaml:"dtype"`
	Seed       uint64 `json:"seed" yaml:"seed"`
	Binarize   string `json:"binarize" yaml:"binarize"`
	TrainLimit int    `json:"train_limit" yaml:"train_limit"`
	// Validation is how many of the last training images are held out;
	// 0 trains on all of them, and the validation metrics are then absent.
	Validation int    `json:"validation" yaml:"validation"`
	Data       string `json:"data" yaml:"data"`

	CheckpointEvery int `json:"checkpoint_every" yaml:"checkpoint_every"`
	Keep            int `json:"keep" yaml:"keep"`

	// Hopfield networks: the learning rule and the prototypes per class.
	Rule       string `json:"rule" yaml:"rule"`
	Prototypes int    `json:"prototypes" yaml:"prototypes"`

	// Deep Boltzmann machines: the hidden layers' sizes, the epochs of
	// greedy pretraining per layer (before the epochs of joint training)
	// and their constant learning rate, and the mean-field iteration of the
	// positive phase.
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

// TotalEpochs is the number of epochs the loop runs: for a DBM, its
// pretraining epochs (per hidden layer) and then its joint epochs; for
// every other model, Epochs.
func (c Config) TotalEpochs() int {
	if c.Model == dbm.Kind {
		return len(c.Layers)*c.PretrainEpochs + c.Epochs
	}
	return c.Epochs
}

// stage returns the first epoch and the length of the stage that epoch
// falls in, and whether it is a pretraining stage.
func (c Config) stage(epoch int) (first, length int, pretrain bool) {
	if c.Model != dbm.Kind || c.PretrainEpochs == 0 {
		return 0, c.TotalEpochs(), false
	}
	p := len(c.Layers) * c.PretrainEpochs
	if epoch < p {
		return epoch / c.PretrainEpochs * c.PretrainEpochs, c.PretrainEpochs, true
	}
	return p, c.Epochs, false
}

// StageName names the stage of an epoch for progress bars and logs: ""
// for models trained in one stage.
func (c Config) StageName(epoch int) string {
	if c.Model != dbm.Kind {
		return ""
	}
	if first, _, pre := c.stage(epoch); pre {
		return fmt.Sprintf("pretraining layer %d/%d", first/c.PretrainEpochs+1, len(c.Layers))
	}
	return "joint training"
}

// Learning-rate schedules.
const (
	ScheduleConstant    = "constant"
	ScheduleLinear      = "linear"
	ScheduleExponential = "exponential"
)

// Defaults returns the configuration of `train` with no flags: a
// 500-hidden-unit RBM trained by PCD-1 on stochastically binarised MNIST,
// sized to learn clean digits in about ten minutes on two cores.
//
// Momentum stays at 0.5: with PCD, raising it to 0.9 after five epochs (the
// guide's advice for CD) threw the persistent chains off and undid the
// learning (validation pseudo-log-likelihood −80 → −152 at lr 0.05, and at
// lr 0.01 too), while 0.5 throughout kept improving.
func Defaults() Config {
	return Config{
		Model:               "rbm",
		Hidden:              500,
		Epochs:              40,
		Batch:               100,
		LR:                  0.05,
		LRSchedule:          ScheduleLinear,
		LRFinal:             0.001,
		LRDecay:             0.95,
		Momentum:            0.5,
		MomentumInitial:     0.5,
		MomentumEpochs:      5,
		K:                   1,
		PCD:                 true,
		Chains:              100,
		Sampler:             rbm.SamplerPCD,
		FastDecay:           0.95,
		Temperatures:        5,
		TempSpacing:         "linear",
		LogVarRate:          0.1,
		WeightDecay:         1e-4,
		SparsityCost:        0.1,
		DType:               "float32",
		Seed:                1,
		Binarize:            string(mnist.Stochastic),
		Validation:          mnist.DefaultValidation,
		CheckpointEvery:     1,
		Keep:                3,
		Rule:                string(hopfield.Storkey),
		Prototypes:          2,
		PretrainLR:          0.05,
		PretrainWeightDecay: 0.001,
		MeanFieldIters:      10,
		MeanFieldTol:        1e-7,
	}
}

// Validate checks every field and names the first that is wrong.
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	switch c.Model {
	case rbm.Kind:
	case rbm.GaussianKind:
		if c.Binarize != string(mnist.NoBinarization) || c.DType != "float64" {
			bad("model", "grbm models grey levels in float64: want binarize none and dtype float64")
		}
		if c.SparsityTarget > 0 {
			bad("sparsity_target", "a sparsity target is the binary RBM's only: want 0 for grbm")
		}
		if c.LogVarRate < 0 {
			bad("logvar_rate", "%g: must not be negative", c.LogVarRate)
		}
	case dbm.Kind:
		if len(c.Layers) < 2 {
			bad("layers", "%v: a DBM needs at least two hidden layers (500,1000, say)", c.Layers)
		}
		for i, n := range c.Layers {
			if n < 1 {
				bad("layers", "hidden layer %d has %d units: want at least 1", i+1, n)
			}
		}
		if c.DType != "float32" || c.Binarize == string(mnist.NoBinarization) {
			bad("model", "dbm models binary data in float32: want dtype float32 and a binarisation other than none")
		}
		if !c.PCD || (c.Sampler != "" && c.Sampler != rbm.SamplerPCD) {
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
	case hopfield.Kind:
		if _, err := hopfield.ParseRule(c.Rule); err != nil {
			bad("rule", "%v", err)
		}
		if c.Prototypes < 1 {
			bad("prototypes", "%d per class: want at least 1", c.Prototypes)
		}
	default:
		bad("model", "unknown model %q: want rbm, grbm, dbm or hopfield", c.Model)
	}
	if c.Hidden < 1 {
		bad("hidden", "%d hidden units: want at least 1", c.Hidden)
	}
	if c.Epochs < 1 {
		bad("epochs", "%d: want at least 1", c.Epochs)
	}
	if c.Batch < 1 {
		bad("batch", "%d: want at least 1", c.Batch)
	}
	if !(c.LR > 0) {
		bad("lr", "%g: want a positive learning rate", c.LR)
	}
	switch c.LRSchedule {
	case ScheduleConstant:
	case ScheduleLinear:
		if c.LRFinal < 0 || c.LRFinal > c.LR {
			bad("lr_final", "%g: want a value in [0, lr=%g]", c.LRFinal, c.LR)
		}
	case ScheduleExponential:
		if !(c.LRDecay > 0 && c.LRDecay <= 1) {
			bad("lr_decay", "%g: want a factor in (0, 1]", c.LRDecay)
		}
		if c.LRFloor < 0 || c.LRFloor > c.LR {
			bad("lr_floor", "%g: want 0 (none) or a rate in (0, lr=%g]", c.LRFloor, c.LR)
		}
	default:
		bad("lr_schedule", "unknown schedule %q: want constant, linear or exponential", c.LRSchedule)
	}
	if c.Momentum < 0 || c.Momentum >= 1 {
		bad("momentum", "%g: want a value in [0, 1)", c.Momentum)
	}
	if c.MomentumInitial < 0 || c.MomentumInitial >= 1 {
		bad("momentum_initial", "%g: want a value in [0, 1)", c.MomentumInitial)
	}
	if c.MomentumEpochs < 0 {
		bad("momentum_epochs", "%d: must not be negative", c.MomentumEpochs)
	}
	if c.K < 1 {
		bad("k", "%d Gibbs steps: want at least 1", c.K)
	}
	if c.PCD && c.Chains < 1 {
		bad("chains", "%d persistent chains: want at least 1", c.Chains)
	}
	if c.WeightDecay < 0 {
		bad("weight_decay", "%g: must not be negative", c.WeightDecay)
	}
	if c.Model == rbm.Kind || c.Model == rbm.GaussianKind {
		if c.Sampler != "" && c.Sampler != rbm.SamplerPCD {
			if err := c.rbmConfig().Validate(); err != nil {
				bad("sampler", "%v", strings.TrimPrefix(err.Error(), "rbm: "))
			}
		}
		if c.Model == rbm.Kind && (c.Sampler == rbm.SamplerFPCD || c.Sampler == rbm.SamplerPT) && (c.DType != "float32" || c.Binarize == string(mnist.NoBinarization)) {
			bad("sampler", "%s runs on binary float32 data: want dtype float32 and a binarisation other than none", c.Sampler)
		}
	}
	if c.SparsityTarget < 0 || c.SparsityTarget >= 1 {
		bad("sparsity_target", "%g: want 0 (off) or a value in (0, 1)", c.SparsityTarget)
	}
	if c.SparsityCost < 0 {
		bad("sparsity_cost", "%g: must not be negative", c.SparsityCost)
	}
	if c.DType != "float32" && c.DType != "float64" {
		bad("dtype", "%q: want float32 or float64", c.DType)
	}
	if _, err := mnist.ParseBinarization(c.Binarize); err != nil {
		bad("binarize", "%v", err)
	}
	if c.TrainLimit < 0 {
		bad("train_limit", "%d: must not be negative", c.TrainLimit)
	}
	if c.TrainLimit > 0 && c.TrainLimit < c.Batch {
		bad("train_limit", "%d images cannot fill one batch of %d", c.TrainLimit, c.Batch)
	}
	if c.Validation < 0 {
		bad("validation", "%d: want 0 (train on every image) or more held-out images", c.Validation)
	}
	if c.CheckpointEvery < 1 {
		bad("checkpoint_every", "%d: want at least 1 epoch", c.CheckpointEvery)
	}
	if c.Keep < 0 {
		bad("keep", "%d: want 0 (keep all) or more", c.Keep)
	}
	return errors.Join(errs...)
}

// DecodeConfig reads a YAML or JSON configuration (JSON is YAML) on top of
// c: fields the document names replace those of c, and a field it names
// that Config lacks is an error.
func DecodeConfig(data []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // an empty file changes nothing
		}
		return err
	}
	return nil
}

// LoadConfigFile reads a config file on top of c; errors name the file.
func LoadConfigFile(path string, c *Config) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := DecodeConfig(b, c); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// OwnParallelism says whether the model's training and evaluation split
// their work over the cores on goroutines of their own: the DBM, and the
// RBM's float32 path for binary data (sums of rows of W, no BLAS). Such a
// run wants the BLAS at one thread a call, since OpenBLAS's threads spin
// after every call and take the cores from the goroutines.
func (c Config) OwnParallelism() bool {
	switch c.Model {
	case dbm.Kind:
		return true
	case rbm.Kind:
		return c.DType == "float32" && c.Binarize != string(mnist.NoBinarization) && numeric.VectorKernels()
	}
	return false
}

// rbmConfig is the RBM trainer's part of the configuration.
func (c Config) rbmConfig() rbm.TrainConfig {
	return rbm.TrainConfig{
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

// LoadData loads the dataset the configuration names, as it says: from
// dir (when empty: the config's data field, else $MNIST_DIR, else the
// GoMNIST module), binarised with its seed, in its dtype, split as it asks.
func (c Config) LoadData(dir string) (*mnist.Split, error) {
	if dir == "" {
		dir = c.Data
	}
	dir, err := mnist.ResolveDir(dir)
	if err != nil {
		return nil, err
	}
	nval := c.Validation
	if nval == 0 {
		nval = mnist.NoValidation
	}
	return mnist.Load(mnist.Options{
		Dir: dir, Binarize: mnist.Binarization(c.Binarize), Seed: c.Seed,
		Dtype: c.Dtype(), Validation: nval, TrainLimit: c.TrainLimit,
	})
}
