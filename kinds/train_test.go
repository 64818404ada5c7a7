package kinds

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/train"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	dataset "github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/race"
	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

var (
	mnistOnce  sync.Once
	mnistSplit map[tensor.Dtype]*data.Split
	mnistErr   error
)

// realMNIST loads the real MNIST once per test binary, with the first
// 3,000 training images (and their grey levels) and a 1,000-image
// validation set.
func realMNIST(t *testing.T, dt tensor.Dtype) *data.Split {
	t.Helper()
	mnistOnce.Do(func() {
		mnistSplit = map[tensor.Dtype]*data.Split{}
		dir, err := mnist.DefaultDir()
		if err != nil {
			mnistErr = err
			return
		}
		for _, d := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
			// Dynamic: Train is binarised exactly as under Stochastic, and
			// TrainGrey is there for runs that draw afresh every epoch.
			s, err := mnist.Load(mnist.Options{Dir: dir, Binarize: data.Dynamic, Seed: 1, Dtype: d, TrainLimit: 3000})
			if err != nil {
				mnistErr = err
				return
			}
			// A smaller validation set keeps the tests fast.
			s.Validation.X = dataset.RowRange(s.Validation.X, 0, 1000)
			s.Validation.Labels = s.Validation.Labels[:1000]
			mnistSplit[d] = s
		}
	})
	if mnistErr != nil {
		t.Fatal(mnistErr)
	}
	return mnistSplit[dt]
}

// greyMNIST is a small float64 split of grey levels, for Gaussian units.
func greyMNIST(t *testing.T, dt tensor.Dtype) *data.Split {
	t.Helper()
	dir, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	s, err := mnist.Load(mnist.Options{Dir: dir, Dtype: dt, TrainLimit: 1000, Validation: 300})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func smallConfig() Config {
	c := Defaults()
	c.Hidden = 32
	c.Epochs = 4
	c.Batch = 50
	c.LR = 0.05
	c.TrainLimit = 3000
	c.Chains = 20
	c.SparsityTarget = 0.1
	c.MomentumEpochs = 1
	c.Keep = 0
	return c
}

// resumeUnderShort are the cases of TestResumeIsExact run under -short
// (CI's race step, where each takes half a minute or more): one for each
// trainer's code path.
var resumeUnderShort = map[string]bool{
	"pcd dynamic binarisation mid epoch": true, // rbm float32, sparse path
	"pcd float64 mid epoch":              true, // rbm float64, dense path
	"grbm mid epoch":                     true, // energy trainer, float64
	"grbm float32 pt mid epoch":          true, // float32 model, rows over the cores, tempering
	"dbm mid joint training":             true,
}

func TestResumeIsExact(t *testing.T) {
	for _, tc := range []struct {
		name     string
		dt       string
		pcd      bool
		stop     func(p checkpoint.Progress) bool
		binarize string
	}{
		{"pcd dynamic binarisation mid epoch", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 40 }, "dynamic"},
		{"fpcd mid epoch", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 2 && p.Batch == 5 }, "fpcd"},
		{"grbm mid epoch", "float64", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 7 }, "grbm"},
		{"grbm fpcd mid epoch", "float64", true, func(p checkpoint.Progress) bool { return p.Epoch == 2 && p.Batch == 3 }, "grbm-fpcd"},
		{"grbm pt mid epoch", "float64", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 12 }, "grbm-pt"},
		{"grbm cd mid epoch", "float64", false, func(p checkpoint.Progress) bool { return p.Epoch == 0 && p.Batch == 9 }, "grbm"},
		{"grbm float32 mid epoch", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 8 }, "grbm"},
		{"grbm float32 pt mid epoch", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 2 && p.Batch == 4 }, "grbm-pt"},
		{"pt mid epoch", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 23 }, "pt"},
		{"pcd float32 between epochs", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 60 }, ""},
		{"pcd float64 mid epoch", "float64", true, func(p checkpoint.Progress) bool { return p.Epoch == 2 && p.Batch == 17 }, ""},
		{"cd mid epoch", "float32", false, func(p checkpoint.Progress) bool { return p.Epoch == 0 && p.Batch == 33 }, ""},
		{"dbm mid pretraining", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 11 }, "dbm"},
		{"dbm after the first joint step", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 2 && p.Batch == 1 }, "dbm"},
		{"dbm mid joint training", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 3 && p.Batch == 30 }, "dbm"},
		{"dbm sampled pretraining of the second layer", "float32", true, func(p checkpoint.Progress) bool { return p.Epoch == 1 && p.Batch == 7 }, "dbm-sample"},
	} {
		if testing.Short() && !resumeUnderShort[tc.name] {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig()
			cfg.DType, cfg.PCD = tc.dt, tc.pcd
			data := realMNIST(t, cfg.Dtype())
			switch tc.binarize {
			case "":
			case "fpcd", "pt":
				if !numeric.VectorKernels() {
					t.Skip("fpcd and pt run on the vector kernels, which this CPU lacks")
				}
				Update(&cfg, func(o *RBMOptions) { o.Sampler, o.Temperatures = tc.binarize, 3 })
			case "grbm", "grbm-fpcd", "grbm-pt":
				cfg.Model, cfg.Binarize, cfg.LR, cfg.SparsityTarget = "grbm", "none", 0.005, 0
				Update(&cfg, func(o *RBMOptions) {
					o.Sampler, o.Temperatures, o.BetaMin = strings.TrimPrefix(strings.TrimPrefix(tc.binarize, "grbm"), "-"), 3, 0.6
				})
				data = greyMNIST(t, cfg.Dtype())
			case "dbm", "dbm-sample": // one pretraining epoch per hidden layer, then two joint epochs
				cfg.Model, cfg.Epochs, cfg.K, cfg.Keep = "dbm", 2, 2, 1
				Update(&cfg, func(o *DBMOptions) {
					o.Layers, o.PretrainEpochs, o.MeanFieldIters = []int{20, 30}, 1, 5
					o.PretrainSample = tc.binarize == "dbm-sample"
				})
			default:
				cfg.Binarize = tc.binarize
			}

			whole := t.TempDir()
			if _, err := Train(context.Background(), cfg, data, train.Options{Dir: whole}); err != nil {
				t.Fatal(err)
			}
			if tc.binarize == "dbm" {
				// Each layer's end of pretraining is kept whatever keep says.
				for i, name := range []string{"end-of-pretraining-layer-1-of-2", "end-of-pretraining-layer-2-of-2"} {
					l, err := Load(filepath.Join(whole, checkpoint.Dir, name))
					if err != nil {
						t.Fatal(err)
					}
					if l.Progress.Epoch != i+1 || l.Progress.Batch != 0 {
						t.Errorf("%s holds %+v, want the end of epoch %d", name, l.Progress, i+1)
					}
				}
			}

			split := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := Train(ctx, cfg, data, train.Options{Dir: split, AfterStep: func(p checkpoint.Progress) {
				if tc.stop(p) {
					cancel()
				}
			}})
			if !errors.Is(err, train.ErrInterrupted) {
				t.Fatalf("interrupted run returned %v, want train.ErrInterrupted", err)
			}
			res, err := Train(context.Background(), cfg, data, train.Options{Dir: split, Resume: true})
			if err != nil {
				t.Fatal(err)
			}
			if res.Progress.Epoch != 4 {
				t.Fatalf("resumed run ended at %+v", res.Progress)
			}
			for _, f := range []string{checkpoint.ModelFile, checkpoint.TrainerFile} {
				a, err1 := os.ReadFile(filepath.Join(whole, checkpoint.Dir, "epoch-000004", f))
				b, err2 := os.ReadFile(filepath.Join(split, checkpoint.Dir, "epoch-000004", f))
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if !bytes.Equal(a, b) {
					t.Errorf("%s differs between the uninterrupted and the resumed run", f)
				}
			}
			ma, _ := train.ReadMetrics(whole)
			mb, _ := train.ReadMetrics(split)
			if len(ma) != 4 || len(mb) != 4 {
				t.Fatalf("metrics.jsonl has %d and %d lines, want 4", len(ma), len(mb))
			}
			for i := range ma {
				a, b := ma[i], mb[i]
				if scoreText(a) != scoreText(b) || a.LR != b.LR || fmt.Sprint(a.SwapAccept) != fmt.Sprint(b.SwapAccept) {
					t.Errorf("epoch %d metrics differ: %+v vs %+v", i+1, ma[i], mb[i])
				}
			}
		})
	}
}

func TestTrainingLowersReconstructionError(t *testing.T) {
	cfg := smallConfig()
	cfg.Hidden, cfg.Epochs, cfg.SparsityTarget = 100, 5, 0
	cfg.LR, cfg.LRSchedule, cfg.PCD = 0.1, train.ScheduleConstant, false
	data := realMNIST(t, tensor.Float32)
	dir := t.TempDir()
	if _, err := Train(context.Background(), cfg, data, train.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	ms, err := train.ReadMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Before training, with Hinton's initialisation, the reconstruction is
	// about the pixel means: its error is the summed pixel variance, about 52
	// squared pixels per MNIST image. Learning must cut it substantially and
	// keep cutting it.
	for _, m := range ms {
		t.Logf("epoch %d: validation reconstruction error %.2f, pseudo-log-likelihood %.2f", m.Epoch, m.ValidRecon, m.ValidPLL)
	}
	first, last := ms[0].ValidRecon, ms[len(ms)-1].ValidRecon
	if !(last < first && last < 40) {
		t.Errorf("validation reconstruction error went %.2f → %.2f, want a fall below 40", first, last)
	}
	if !(ms[len(ms)-1].ValidPLL > ms[0].ValidPLL) {
		t.Errorf("validation pseudo-log-likelihood went %.2f → %.2f, want a rise", ms[0].ValidPLL, ms[len(ms)-1].ValidPLL)
	}
}

func TestDivergenceStopsAndKeepsLastCheckpoint(t *testing.T) {
	cfg := smallConfig()
	cfg.Epochs, cfg.LRSchedule = 3, train.ScheduleConstant
	data := realMNIST(t, tensor.Float32)
	dir := t.TempDir()
	if _, err := Train(context.Background(), cfg, data, train.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, checkpoint.Dir, "epoch-000003", checkpoint.ModelFile))
	// Continue the same run for more epochs with an absurd learning rate: the
	// configuration check would refuse it on resume, so start a fresh run
	// beside it that diverges in its first epoch.
	cfg.LR = 1e38
	bad := t.TempDir()
	_, err := Train(context.Background(), cfg, data, train.Options{Dir: bad})
	if err == nil || !strings.Contains(err.Error(), "diverged at epoch 1") || !strings.Contains(err.Error(), "not finite") {
		t.Fatalf("error %v, want divergence in epoch 1", err)
	}
	if _, err := os.Stat(filepath.Join(bad, checkpoint.Dir)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a diverged run wrote a checkpoint: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(bad, train.DivergedFile)); err != nil || !strings.Contains(string(b), "diverged at epoch 1") {
		t.Errorf("%s: %q, %v; want the error", train.DivergedFile, b, err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, checkpoint.Dir, "epoch-000003", checkpoint.ModelFile))
	if !bytes.Equal(before, after) {
		t.Error("the earlier run's checkpoint changed")
	}
}

func TestRunRefusesToOverwriteAndMismatchedResume(t *testing.T) {
	cfg := smallConfig()
	cfg.Epochs = 1
	data := realMNIST(t, tensor.Float32)
	dir := t.TempDir()
	if _, err := Train(context.Background(), cfg, data, train.Options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := Train(context.Background(), cfg, data, train.Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("second fresh run into one directory: %v", err)
	}
	cfg.Hidden = 33
	if _, err := Train(context.Background(), cfg, data, train.Options{Dir: dir, Resume: true}); err == nil || !strings.Contains(err.Error(), "hidden: saved 32, given 33") {
		t.Errorf("resume with another hidden size: %v", err)
	}
}

func TestHopfieldCheckpointRoundTrip(t *testing.T) {
	cfg := Defaults()
	cfg.Model, cfg.Binarize = "hopfield", "none"
	Update(&cfg, func(o *HopfieldOptions) { o.Rule, o.Prototypes = "pseudo-inverse", 3 })
	data := realMNIST(t, tensor.Float32)
	dir := t.TempDir()
	res, err := Train(context.Background(), cfg, data, train.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := loaded.Model.(*hopfield.Memory)
	if m == nil || m.Count() != 30 || m.Net.N() != 784 {
		t.Fatalf("loaded %+v", loaded)
	}
	// Every stored prototype is a fixed point of the loaded network, and
	// classifies as its own class.
	for k := range m.Count() {
		for i, l := range m.Net.Fields(m.Pattern(k)) {
			if l*m.Pattern(k)[i] <= 0 {
				t.Fatalf("prototype %d is not a fixed point after loading (unit %d)", k, i)
			}
		}
		if c, o := m.Classify(m.Pattern(k)); c != m.Label(k) || o != 1 {
			t.Errorf("prototype %d of class %d classifies as %d (overlap %g)", k, m.Label(k), c, o)
		}
	}
	// Bit for bit: saving the loaded memory again gives the same file.
	again := t.TempDir()
	if _, err := checkpoint.Save(again, &checkpoint.Checkpoint{Kind: "hopfield", Config: []byte(`{}`), Progress: res.Progress, Model: m.Params()}, 0); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(res.Checkpoint, checkpoint.ModelFile))
	b, _ := os.ReadFile(filepath.Join(again, checkpoint.Dir, res.Progress.Name(), checkpoint.ModelFile))
	if !bytes.Equal(a, b) {
		t.Error("the Hopfield memory changed in a save-load-save round trip")
	}
	if _, err := Train(context.Background(), cfg, data, train.Options{Dir: dir, Resume: true}); err == nil {
		t.Error("resuming a stored memory was accepted")
	}
}

// TestTrainingOnEveryImage: with validation 0 nothing is held out, the
// validation metrics are absent (null in metrics.jsonl, NaN when read back)
// and the training metrics are still there.
func TestTrainingOnEveryImage(t *testing.T) {
	cfg := smallConfig()
	cfg.Epochs, cfg.Validation = 2, 0
	full := realMNIST(t, tensor.Float32)
	data := *full
	data.Validation = dataset.Examples{X: dataset.RowRange(full.Train.X, 0, 0)}
	dir := t.TempDir()
	var log bytes.Buffer
	if _, err := Train(context.Background(), cfg, &data, train.Options{Dir: dir, Log: &log}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, train.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(`"valid_pll":null`)) {
		t.Errorf("metrics.jsonl has no null validation metric:\n%s", raw)
	}
	ms, err := train.ReadMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d metrics lines, want 2", len(ms))
	}
	for _, m := range ms {
		if !math.IsNaN(m.ValidPLL) || !math.IsNaN(m.ValidRecon) || !math.IsNaN(m.ValidFree) {
			t.Errorf("epoch %d: validation metrics %v %v %v, want NaN", m.Epoch, m.ValidPLL, m.ValidRecon, m.ValidFree)
		}
		if math.IsNaN(m.TrainPLL) || m.TrainPLL >= 0 || m.TrainRecon <= 0 {
			t.Errorf("epoch %d: training pll %v, recon %v", m.Epoch, m.TrainPLL, m.TrainRecon)
		}
	}
	if !strings.Contains(log.String(), "train: recon") {
		t.Errorf("log does not report the training metrics:\n%s", log.String())
	}
	// A line with numbers reads back as written.
	back, err := json.Marshal(train.Metrics{Epoch: 3, ValidPLL: -80.5, ValidRecon: math.NaN(), ValidFree: 1})
	if err != nil {
		t.Fatal(err)
	}
	var m train.Metrics
	if err := json.Unmarshal(back, &m); err != nil {
		t.Fatal(err)
	}
	if m.Epoch != 3 || m.ValidPLL != -80.5 || !math.IsNaN(m.ValidRecon) || m.ValidFree != 1 {
		t.Errorf("%s read back as %+v", back, m)
	}
}

// scoreText prints a line's scores exactly (NaN for an absent one), so that
// two lines compare equal when every score is the same or absent in both.
func scoreText(m train.Metrics) string {
	var v []float64
	v = append(v, m.ValidRecon, m.ValidPLL, m.ValidFree, m.TrainRecon, m.TrainPLL, m.TrainFree)
	return fmt.Sprint(v)
}

// TestLoopAllocatesNothing: in the middle of an epoch the training loop
// (batch, step, finiteness check) allocates nothing, for the RBM's sparse
// and dense paths, the DBM's stages and the energy trainer's autodiff
// step (the Gaussian RBM), with the BLAS that cmd/train
// chooses (gonum's products allocate; CI has OpenBLAS). Progress bars are
// off: a visible bar allocates when it redraws, five times a second.
func TestLoopAllocatesNothing(t *testing.T) {
	if race.Enabled {
		t.Skip("sync.Pool drops objects under the race detector, and OpenBLAS calls keep their arguments in one")
	}
	blas, err := fastblas.Use(fastblas.Auto)
	if err != nil {
		t.Fatal(err)
	}
	defer fastblas.Use(fastblas.Gonum)
	if _, ok := tensor.WhichBLAS().(gonum.Implementation); ok {
		t.Skipf("the products would be gonum's (%s)", blas)
	}
	t.Log(blas)
	for _, tc := range []struct {
		name  string
		setup func(*Config)
	}{
		{"cd float32", func(c *Config) { c.PCD = false }},
		{"pcd float32 dynamic binarisation", func(c *Config) { c.Binarize = "dynamic" }},
		{"pcd float32 grey", func(c *Config) { c.Binarize = "none" }},
		{"cd float64", func(c *Config) { c.DType, c.PCD = "float64", false }},
		{"grbm float64 (energy trainer, autodiff)", func(c *Config) {
			c.Model, c.DType, c.Binarize, c.PCD, c.SparsityTarget = "grbm", "float64", "none", false, 0
		}},
		{"grbm float32 (energy trainer, autodiff)", func(c *Config) {
			c.Model, c.DType, c.Binarize, c.PCD, c.SparsityTarget = "grbm", "float32", "none", false, 0
		}},
		{"dbm pretraining and joint", func(c *Config) {
			c.Model, c.Epochs, c.K = "dbm", 1, 2
			Update(c, func(o *DBMOptions) { o.Layers, o.PretrainEpochs, o.MeanFieldIters = []int{20, 30}, 1, 5 })
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smallConfig()
			cfg.Epochs, cfg.Batch = 1, 25 // 120 steps an epoch
			tc.setup(&cfg)
			fastblas.Threads(runtime.GOMAXPROCS(0))
			if cfg.OwnParallelism() {
				fastblas.SingleThreaded()
			}
			// Allocations in ten windows of ten steps of each epoch, kept
			// in storage made beforehand (the hook must not allocate
			// either). A step that allocated would show in all ten; the
			// runtime's own (a parked goroutine's first wait record, say)
			// in one now and then, so the fewest must be none.
			var last runtime.MemStats
			windows := make([][10]uint64, cfg.TotalEpochs())
			seen := make([]int, cfg.TotalEpochs())
			count := func(p checkpoint.Progress) {
				switch p.Batch {
				case 5:
					// Collect the set-up's garbage now: a collection empties
					// the sync.Pools (purego's, for one) that the steps
					// after it fill again.
					runtime.GC()
				case 15, 25, 35, 45, 55, 65, 75, 85, 95, 105, 115:
					var now runtime.MemStats
					runtime.ReadMemStats(&now)
					if w := (p.Batch - 25) / 10; w >= 0 {
						windows[p.Epoch][w] = now.Mallocs - last.Mallocs
						seen[p.Epoch]++
					}
					last = now
				}
			}
			if _, err := Train(context.Background(), cfg, realMNIST(t, cfg.Dtype()), train.Options{Dir: t.TempDir(), AfterStep: count}); err != nil {
				t.Fatal(err)
			}
			for epoch, w := range windows {
				if seen[epoch] != len(w) || slices.Min(w[:]) != 0 {
					t.Errorf("epoch %d: allocations in windows of ten steps %v, want a window with none", epoch, w)
				}
			}
		})
	}
}

// TestSecondWriterIsRefused: while a run trains, a second run into its
// directory, fresh or resumed, fails at once naming the holder; after the
// first ends, the resume is accepted.
func TestSecondWriterIsRefused(t *testing.T) {
	cfg := smallConfig()
	cfg.Epochs = 1
	data := realMNIST(t, tensor.Float32)
	dir := t.TempDir()
	var during []error
	_, err := Train(context.Background(), cfg, data, train.Options{Dir: dir, AfterStep: func(p checkpoint.Progress) {
		if p.Step != 2 {
			return
		}
		for _, resume := range []bool{false, true} {
			_, err := Train(context.Background(), cfg, data, train.Options{Dir: dir, Resume: resume})
			during = append(during, err)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("in use by PID %d", os.Getpid())
	if len(during) != 2 {
		t.Fatalf("%d second writers tried", len(during))
	}
	for i, err := range during {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("second writer %d: %v, want an error containing %q", i, err, want)
		}
	}
	if _, err := Train(context.Background(), cfg, data, train.Options{Dir: dir, Resume: true}); err != nil {
		t.Errorf("resume after the first run ended: %v", err)
	}
}
