package kinds

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

func TestDefaultsAreValid(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestDecodeConfigRejectsUnknownFields(t *testing.T) {
	c := Defaults()
	err := DecodeConfig([]byte("hidden: 3\nhiden: 4\n"), &c)
	if err == nil || !strings.Contains(err.Error(), "field hiden not found") {
		t.Fatalf("error %v", err)
	}
	c = Defaults()
	if err := DecodeConfig(nil, &c); err != nil || !reflect.DeepEqual(c, Defaults()) {
		t.Errorf("empty file: %v, %+v", err, c)
	}
}

func FuzzDecodeConfig(f *testing.F) {
	f.Add([]byte("hidden: 64\nlr: 0.2\n"))
	f.Add([]byte(`{"epochs": 3, "pcd": false, "seed": 18446744073709551615}`))
	f.Add([]byte("- 1\n- 2\n"))
	f.Add([]byte("hidden: &a [*a]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := Defaults()
		if err := DecodeConfig(b, &c); err != nil {
			return
		}
		_ = c.Validate() // must not panic whatever the values
	})
}

// TestValidateNamesTheField: each bad configuration is refused with an
// error that names the field at fault; the good ones pass.
func TestValidateNamesTheField(t *testing.T) {
	grbm := func(c *Config) { c.Model, c.Binarize, c.DType, c.SparsityTarget = "grbm", "none", "float64", 0 }
	for _, tc := range []struct {
		name  string
		edit  func(c *Config)
		field string // "" for a valid configuration
	}{
		{"grbm pcd", grbm, ""},
		{"grbm cd", func(c *Config) { grbm(c); c.PCD = false }, ""},
		{"grbm fpcd", func(c *Config) { grbm(c); Update(c, func(o *RBMOptions) { o.Sampler = "fpcd" }) }, ""},
		{"grbm pt", func(c *Config) {
			grbm(c)
			Update(c, func(o *RBMOptions) { o.Sampler, o.Temperatures, o.BetaMin = "pt", 4, 0.5 })
		}, ""},
		{"grbm pt with one temperature", func(c *Config) { grbm(c); Update(c, func(o *RBMOptions) { o.Sampler, o.Temperatures = "pt", 1 }) }, "sampler"},
		{"grbm sparsity", func(c *Config) { grbm(c); c.SparsityTarget = 0.1 }, "sparsity_target"},
		{"grbm binary data", func(c *Config) { grbm(c); c.Binarize = "threshold" }, "model"},
		{"grbm negative log-variance rate", func(c *Config) { grbm(c); Update(c, func(o *GRBMOptions) { o.LogVarRate = -1 }) }, "logvar_rate"},
		{"rbm fpcd on grey float64", func(c *Config) {
			c.Binarize, c.DType = "none", "float64"
			Update(c, func(o *RBMOptions) { o.Sampler = "fpcd" })
		}, "sampler"},
		{"unknown sampler", func(c *Config) { Update(c, func(o *RBMOptions) { o.Sampler = "gibbs" }) }, "sampler"},
		{"dbm pretraining CD-3, decayed", func(c *Config) {
			c.Model = "dbm"
			Update(c, func(o *DBMOptions) { o.Layers, o.PretrainK, o.PretrainLRFinal = []int{5, 5}, 3, 0.005 })
		}, ""},
		{"dbm negative pretrain_k", func(c *Config) {
			c.Model = "dbm"
			Update(c, func(o *DBMOptions) { o.Layers, o.PretrainK = []int{5, 5}, -1 })
		}, "pretrain_k"},
		{"dbm pretrain_lr_final above pretrain_lr", func(c *Config) {
			c.Model = "dbm"
			Update(c, func(o *DBMOptions) { o.Layers, o.PretrainLRFinal = []int{5, 5}, 1 })
		}, "pretrain_lr_final"},
	} {
		c := Defaults()
		tc.edit(&c)
		err := c.Validate()
		switch {
		case tc.field == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.field != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.field+":")):
			t.Errorf("%s: error %v, want one that names %s", tc.name, err, tc.field)
		}
	}
}

// TestOwnParallelism: the models that split their own work over the cores
// are the DBM and the RBM's float32 path on binary data.
func TestOwnParallelism(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want bool
	}{
		{"rbm float32 binary", func(c *Config) {}, numeric.VectorKernels()},
		{"rbm float64", func(c *Config) { c.DType = "float64" }, false},
		{"rbm grey", func(c *Config) { c.Binarize = "none" }, false},
		{"grbm", func(c *Config) { c.Model, c.Binarize, c.DType = "grbm", "none", "float64" }, false},
		{"dbm", func(c *Config) { c.Model = "dbm"; Update(c, func(o *DBMOptions) { o.Layers = []int{5, 5} }) }, true},
		{"hopfield", func(c *Config) { c.Model = "hopfield" }, false},
	} {
		c := Defaults()
		tc.edit(&c)
		if got := c.OwnParallelism(); got != tc.want {
			t.Errorf("%s: OwnParallelism() = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestConfigFileFieldsAreFlat: the kinds' embedded options read and write
// as one flat object, with every field of the configuration's parts under
// its flag's name, as configs written before the kinds split them.
func TestConfigFileFieldsAreFlat(t *testing.T) {
	c := Defaults()
	doc := "model: dbm\nlayers: [5, 6]\nepochs: 3\nk: 2\nrule: hebbian\nsampler: pcd\nlogvar_rate: 0.2\nbinarize: dynamic\n"
	if err := DecodeConfig([]byte(doc), &c); err != nil {
		t.Fatal(err)
	}
	if c.Model != "dbm" || !reflect.DeepEqual(Own[DBMOptions](c).Layers, []int{5, 6}) || c.Epochs != 3 || c.K != 2 || Own[HopfieldOptions](c).Rule != "hebbian" || Own[GRBMOptions](c).LogVarRate != 0.2 || c.Binarize != "dynamic" {
		t.Errorf("decoded %+v", c)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var flat map[string]any
	if err := json.Unmarshal(b, &flat); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"model", "hidden", "epochs", "lr_schedule", "seed", "keep", "dtype", "data", "sampler", "logvar_rate", "layers", "mean_field_iters", "rule", "prototypes"} {
		if _, ok := flat[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, c) {
		t.Errorf("JSON round trip: %v\n%+v\n%+v", err, back, c)
	}
}

// TestEveryKindIsComplete: each kind of the table names itself, validates,
// and either builds a learner or stores a model; its default configuration
// is valid, and Kind.Stages are the learner's own.
func TestEveryKindIsComplete(t *testing.T) {
	for _, k := range All() {
		c := Defaults()
		c.Model = k.Name
		switch k.Name {
		case "grbm":
			c.Binarize, c.DType = "none", "float64"
		case "dbm":
			c.Epochs = 5
			Update(&c, func(o *DBMOptions) { o.Layers, o.PretrainEpochs = []int{4, 3}, 2 })
		}
		if k.Defaults != nil {
			k.Defaults(&c, func(string) bool { return false })
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", k.Name, err)
			continue
		}
		if k.Validate == nil || k.Describe == nil || (k.Build == nil) == (k.Store == nil) || (k.Build == nil && k.Load == nil) {
			t.Errorf("%s: incomplete kind", k.Name)
			continue
		}
		if k.Build == nil {
			continue
		}
		x := tensor.New(tensor.WithShape(10, 6), tensor.Of(c.Dtype()))
		l, err := k.Build(c)(6, x, rand.New(rand.NewPCG(1, 2)))
		if err != nil {
			t.Errorf("%s: %v", k.Name, err)
			continue
		}
		var stages []train.Stage
		if s, ok := l.(train.Staged); ok {
			stages = s.Stages(c.Epochs)
		}
		var told []train.Stage
		if k.Stages != nil {
			told = k.Stages(c)
		}
		if !reflect.DeepEqual(stages, told) {
			t.Errorf("%s: the learner's stages are %+v, the kind says %+v", k.Name, stages, told)
		}
		if got, want := train.Epochs(c.Config, stages), c.TotalEpochs(); got != want {
			t.Errorf("%s: the learner's stages last %d epochs, the kind says %d", k.Name, got, want)
		}
	}
	if _, err := Lookup("boltzmann"); err == nil || !strings.Contains(err.Error(), "rbm, grbm, dbm, hopfield or bm") {
		t.Errorf("unknown kind: %v", err)
	}
}
