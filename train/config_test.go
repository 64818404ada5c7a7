package train

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

func TestDefaultsAreValid(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestSchedules(t *testing.T) {
	c := Defaults()
	c.LR, c.LRFinal, c.LRDecay = 0.01, 0.001, 0.95
	c.MomentumInitial, c.Momentum, c.MomentumEpochs = 0.5, 0.9, 5
	for _, tc := range []struct {
		schedule    string
		step, total int64
		epoch       int
		want        float64
	}{
		{ScheduleConstant, 50, 100, 3, 0.01},
		{ScheduleLinear, 0, 100, 0, 0.01},
		{ScheduleLinear, 50, 100, 3, 0.0055},
		{ScheduleLinear, 100, 100, 9, 0.001},
		{ScheduleExponential, 77, 100, 0, 0.01},
		{ScheduleExponential, 77, 100, 2, 0.01 * 0.95 * 0.95},
		{ScheduleExponential, 0, 100, 40, 0.01 * math.Pow(0.95, 40)},
	} {
		c.LRSchedule = tc.schedule
		if got := c.LearningRate(tc.step, tc.total, tc.epoch); abs(got-tc.want) > 1e-15 {
			t.Errorf("%s at step %d/%d epoch %d: %g, want %g", tc.schedule, tc.step, tc.total, tc.epoch, got, tc.want)
		}
	}
	// A floor holds the exponential schedule once it gets there: 0.95^40
	// is 0.1285, below a floor of a fifth of lr; 0.95^20 = 0.358 is not.
	c.LRSchedule, c.LRFloor = ScheduleExponential, 0.002
	if got := c.LearningRate(0, 100, 40); got != 0.002 {
		t.Errorf("exponential with floor 0.002 at epoch 40: %g", got)
	}
	if got, want := c.LearningRate(0, 100, 20), 0.01*math.Pow(0.95, 20); abs(got-want) > 1e-15 {
		t.Errorf("exponential with floor 0.002 at epoch 20: %g, want %g", got, want)
	}
	c.LRFloor = 0.02
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "lr_floor") {
		t.Errorf("a floor above lr: %v", err)
	}
	c.LRFloor = 0
	if c.MomentumAt(c.MomentumEpochs-1) != c.MomentumInitial || c.MomentumAt(c.MomentumEpochs) != c.Momentum {
		t.Error("momentum does not switch after momentum_epochs")
	}
}

func abs(x float64) float64 { return max(x, -x) }

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

// TestDBMSchedulesFollowTheStages: a DBM's pretraining epochs run at
// pretrain_lr, its joint epochs follow the schedule from their own start,
// and momentum restarts with each stage.
func TestDBMSchedulesFollowTheStages(t *testing.T) {
	c := Defaults()
	c.Model, c.Layers, c.PretrainEpochs, c.Epochs = "dbm", []int{5, 5}, 2, 4
	c.LR, c.LRFinal, c.LRSchedule, c.PretrainLR = 0.01, 0, ScheduleLinear, 0.05
	c.MomentumInitial, c.Momentum, c.MomentumEpochs = 0.5, 0.9, 1
	const nb = 10 // batches an epoch: 8 epochs, 80 steps
	for _, tc := range []struct {
		step  int64
		epoch int
		want  float64
	}{
		{0, 0, 0.05}, {39, 3, 0.05}, {40, 4, 0.01}, {60, 6, 0.005}, {79, 7, 0.01 * 1 / 40},
	} {
		if got := c.LearningRate(tc.step, 8*nb, tc.epoch); abs(got-tc.want) > 1e-12 {
			t.Errorf("step %d (epoch %d): lr %g, want %g", tc.step, tc.epoch, got, tc.want)
		}
	}
	for epoch, want := range []float64{0.5, 0.9, 0.5, 0.9, 0.5, 0.9, 0.9, 0.9} {
		if got := c.MomentumAt(epoch); got != want {
			t.Errorf("epoch %d: momentum %g, want %g", epoch, got, want)
		}
	}
	if c.TotalEpochs() != 8 || c.StageName(0) != "pretraining layer 1/2" || c.StageName(7) != "joint training" {
		t.Errorf("%d epochs, stages %q … %q", c.TotalEpochs(), c.StageName(0), c.StageName(7))
	}
	// With pretrain_lr_final each layer's 20 steps decay from 0.05 to 0.01.
	c.PretrainLRFinal = 0.01
	for _, tc := range []struct {
		step  int64
		epoch int
		want  float64
	}{
		{0, 0, 0.05}, {10, 1, 0.03}, {19, 1, 0.05 - 0.04*19/20}, {20, 2, 0.05}, {30, 3, 0.03}, {40, 4, 0.01}, {60, 6, 0.005},
	} {
		if got := c.LearningRate(tc.step, 8*nb, tc.epoch); abs(got-tc.want) > 1e-12 {
			t.Errorf("decaying pretraining: step %d (epoch %d): lr %g, want %g", tc.step, tc.epoch, got, tc.want)
		}
	}
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
		{"grbm fpcd", func(c *Config) { grbm(c); c.Sampler = "fpcd" }, ""},
		{"grbm pt", func(c *Config) { grbm(c); c.Sampler, c.Temperatures, c.BetaMin = "pt", 4, 0.5 }, ""},
		{"grbm pt with one temperature", func(c *Config) { grbm(c); c.Sampler, c.Temperatures = "pt", 1 }, "sampler"},
		{"grbm sparsity", func(c *Config) { grbm(c); c.SparsityTarget = 0.1 }, "sparsity_target"},
		{"grbm binary data", func(c *Config) { grbm(c); c.Binarize = "threshold" }, "model"},
		{"grbm negative log-variance rate", func(c *Config) { grbm(c); c.LogVarRate = -1 }, "logvar_rate"},
		{"rbm fpcd on grey float64", func(c *Config) { c.Sampler, c.Binarize, c.DType = "fpcd", "none", "float64" }, "sampler"},
		{"unknown sampler", func(c *Config) { c.Sampler = "gibbs" }, "sampler"},
		{"dbm pretraining CD-3, decayed", func(c *Config) { c.Model, c.Layers, c.PretrainK, c.PretrainLRFinal = "dbm", []int{5, 5}, 3, 0.005 }, ""},
		{"dbm negative pretrain_k", func(c *Config) { c.Model, c.Layers, c.PretrainK = "dbm", []int{5, 5}, -1 }, "pretrain_k"},
		{"dbm pretrain_lr_final above pretrain_lr", func(c *Config) { c.Model, c.Layers, c.PretrainLRFinal = "dbm", []int{5, 5}, 1 }, "pretrain_lr_final"},
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
		{"dbm", func(c *Config) { c.Model, c.Layers = "dbm", []int{5, 5} }, true},
		{"hopfield", func(c *Config) { c.Model = "hopfield" }, false},
	} {
		c := Defaults()
		tc.edit(&c)
		if got := c.OwnParallelism(); got != tc.want {
			t.Errorf("%s: OwnParallelism() = %v, want %v", tc.name, got, tc.want)
		}
	}
}
