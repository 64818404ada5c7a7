package kinds

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/files"
	"github.com/boltzmann-go/boltzmann/train"
	"gopkg.in/yaml.v3"
	"gorgonia.org/tensor"
)

// Shared are the fields that several kinds read: the hidden layer's
// size, the negative phase's Gibbs steps and chains, and the penalties.
type Shared struct {
	Hidden         int     `json:"hidden" yaml:"hidden" help:"hidden units" group:"model"`
	K              int     `json:"k" yaml:"k" help:"Gibbs steps per update (CD-k / PCD-k)" group:"negative phase"`
	PCD            bool    `json:"pcd" yaml:"pcd" help:"persistent contrastive divergence (-pcd=false for CD)" group:"negative phase"`
	Chains         int     `json:"chains" yaml:"chains" help:"persistent chains (PCD)" group:"negative phase"`
	WeightDecay    float64 `json:"weight_decay" yaml:"weight_decay" help:"L2 weight decay on W" group:"optimisation"`
	SparsityTarget float64 `json:"sparsity_target" yaml:"sparsity_target" help:"target mean hidden activity (0: off)" group:"optimisation"`
	SparsityCost   float64 `json:"sparsity_cost" yaml:"sparsity_cost" help:"weight of the sparsity penalty" group:"optimisation"`
}

// DataOptions are the fields that say which data a run trains on and how they
// are prepared.
type DataOptions struct {
	DType      string `json:"dtype" yaml:"dtype" help:"float32 or float64" group:"model"`
	Binarize   string `json:"binarize" yaml:"binarize" help:"none, threshold, stochastic (drawn once) or dynamic (drawn afresh every epoch)" group:"data"`
	TrainLimit int    `json:"train_limit" yaml:"train_limit" help:"use only the first N training images (0: all)" group:"data"`
	// Validation is how many of the last training images are held out;
	// 0 trains on all of them, and the validation metrics are then absent.
	Validation int `json:"validation" yaml:"validation" help:"last N training images held out for validation" group:"data"`
	// Data names the dataset (see package data/files): a directory of IDX
	// files, a .npz, .npy or .csv file; empty for MNIST.
	Data string `json:"data" yaml:"data" help:"the {dataset}: a directory of IDX files (MNIST's or EMNIST's names), a .npz (x_train, x_test, y_train, y_test), .npy or .csv file (default: $MNIST_DIR, else MNIST from the GoMNIST module)" group:"data"`
	// TestData names the test set when Data has none (or another is wanted).
	TestData string `json:"test_data,omitempty" yaml:"test_data" help:"the test set, when -data has none: a .npy, .csv or .npz {file} or an IDX directory" group:"data"`
	// ImageShape ("HxW") overrides the image shape the files give.
	ImageShape string `json:"image_shape,omitempty" yaml:"image_shape" help:"{HxW} of one example as a picture (default: from the files, else square when the width is a square)" group:"data"`
	// CSVLabel is a CSV file's label column: auto, none, first, last or a
	// header name.
	CSVLabel string `json:"csv_label,omitempty" yaml:"csv_label" help:"CSV {column} of the labels: auto (a header column named label), none, first, last or a header name" group:"data"`
	// Scale says what value means 1: auto, max or a number.
	Scale string `json:"scale,omitempty" yaml:"scale" help:"the {value} that means 1 in .npy, .npz and .csv data: auto ([0, 1] as is, bytes 0–255 ÷ 255), max (the training set's largest) or a number" group:"data"`
	// DataFiles records the files a run read and their SHA-256, written
	// by Train; a resumed run must read files of the same content.
	DataFiles []data.File `json:"data_files,omitempty" yaml:"data_files" flag:"-"`
}

// Defaults returns the configuration of `train` with no flags: a
// 500-hidden-unit RBM trained by PCD-1 on stochastically binarised MNIST,
// sized to learn clean digits in about ten minutes on two cores, and each
// built-in kind's options at its defaults.
func Defaults() Config { return builtin.Defaults() }

// sharedDefaults are the defaults of the fields every kind may read.
func sharedDefaults() Config {
	return Config{
		Model:  "rbm",
		Config: train.Defaults(),
		Shared: Shared{Hidden: 500, K: 1, PCD: true, Chains: 100, WeightDecay: 1e-4, SparsityCost: 0.1},
		DataOptions: DataOptions{DType: "float32", Binarize: string(data.Stochastic),
			Validation: data.DefaultValidation},
	}
}

// Kind is the kind the configuration names, from its table.
func (c Config) Kind() (Kind, error) { return c.Table().Lookup(c.Model) }

// Validate checks every field and names each that is wrong, one line
// each: "field: what is wrong".
func (c Config) Validate() error {
	var errs []error
	bad := func(field string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
	}
	if k, err := c.Kind(); err != nil {
		bad("model", "%v", err)
	} else {
		k.Validate(c, bad)
	}
	if c.Hidden < 1 {
		bad("hidden", "%d hidden units: want at least 1", c.Hidden)
	}
	if err := c.Config.Validate(); err != nil {
		errs = append(errs, err)
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
	if c.SparsityTarget < 0 || c.SparsityTarget >= 1 {
		bad("sparsity_target", "%g: want 0 (off) or a value in (0, 1)", c.SparsityTarget)
	}
	if c.SparsityCost < 0 {
		bad("sparsity_cost", "%g: must not be negative", c.SparsityCost)
	}
	if c.DType != "float32" && c.DType != "float64" {
		bad("dtype", "%q: want float32 or float64", c.DType)
	}
	if _, err := data.ParseBinarization(c.Binarize); err != nil {
		bad("binarize", "%v", err)
	}
	if c.TrainLimit < 0 {
		bad("train_limit", "%d: must not be negative", c.TrainLimit)
	}
	if c.TrainLimit > 0 && c.TrainLimit < c.Batch {
		bad("train_limit", "%d images cannot fill one batch of %d", c.TrainLimit, c.Batch)
	}
	if _, _, err := files.ParseShape(c.ImageShape); err != nil {
		bad("image_shape", "%v", err)
	}
	if err := files.ParseScale(c.Scale); err != nil {
		bad("scale", "%v", err)
	}
	if c.Validation < 0 {
		bad("validation", "%d: want 0 (train on every image) or more held-out images", c.Validation)
	}
	return errors.Join(errs...)
}

// Dtype maps the dtype field to the tensor dtype.
func (c Config) Dtype() tensor.Dtype {
	if c.DType == "float64" {
		return tensor.Float64
	}
	return tensor.Float32
}

// TotalEpochs is the number of epochs a run of c takes over all its
// stages (a DBM's pretraining epochs per hidden layer and then its joint
// epochs).
func (c Config) TotalEpochs() int {
	var stages []train.Stage
	if k, err := c.Kind(); err == nil && k.Stages != nil {
		stages = k.Stages(c)
	}
	return train.Epochs(c.Config, stages)
}

// OwnParallelism says whether the model's training and evaluation split
// their work over the cores on goroutines of their own. Such a run wants
// the BLAS at one thread a call, since OpenBLAS's threads spin after
// every call and take the cores from the goroutines.
func (c Config) OwnParallelism() bool {
	if k, err := c.Kind(); err == nil && k.OwnParallelism != nil {
		return k.OwnParallelism(c)
	}
	return false
}

// DecodeConfig reads a YAML or JSON configuration (JSON is YAML) on top of
// c: fields the document names replace those of c, and a field it names
// that Config lacks is an error.
func DecodeConfig(doc []byte, c *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(doc))
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
	_, err := LoadConfigFileFields(path, c)
	return err
}

// LoadConfigFileFields is LoadConfigFile that also lists the top-level
// fields the file sets (so that a kind's defaults fill only the others).
func LoadConfigFileFields(path string, c *Config) (map[string]bool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if err := DecodeConfig(b, c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	fields := map[string]bool{}
	for k := range m {
		fields[k] = true
	}
	return fields, nil
}

// DataSpec is the data/files specification of the configuration's data,
// read from path when it is not empty, else from the data field.
func (c Config) DataSpec(path string) files.Spec {
	if path == "" {
		path = c.Data
	}
	return files.Spec{Path: path, TestPath: c.TestData, ImageShape: c.ImageShape, Label: c.CSVLabel, Scale: c.Scale}
}

// LoadData loads the dataset the configuration names, as it says: from
// path (when empty: the config's data field, else $MNIST_DIR, else the
// GoMNIST module), binarised with its seed, in its dtype, split as it asks.
func (c Config) LoadData(path string) (*data.Split, error) {
	spec := c.DataSpec(path)
	raw, err := files.Read(spec)
	if err != nil {
		return nil, err
	}
	nval := c.Validation
	if nval == 0 {
		nval = data.NoValidation
	}
	name := spec.Path
	if name == "" {
		name = "MNIST"
	}
	return data.Prepare(raw, data.PrepareOptions{
		Binarize: data.Binarization(c.Binarize), Seed: c.Seed,
		Dtype: c.Dtype(), Validation: nval, TrainLimit: c.TrainLimit, Name: name,
	})
}
