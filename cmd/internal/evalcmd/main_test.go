package evalcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/sweep"
	"github.com/boltzmann-go/boltzmann/train"
	"gorgonia.org/tensor"
)

// trainRun trains (or stores) the model cfg describes on real MNIST, loaded
// as cfg says, into a fresh run directory, and returns that directory.
func trainRun(t *testing.T, cfg kinds.Config) string {
	t.Helper()
	dir, err := mnist.DefaultDir()
	if err != nil {
		t.Fatal(err)
	}
	data, err := mnist.Load(mnist.Options{Dir: dir, Binarize: data.Binarization(cfg.Binarize), Seed: cfg.Seed, Dtype: cfg.Dtype(), TrainLimit: cfg.TrainLimit})
	if err != nil {
		t.Fatal(err)
	}
	run := t.TempDir()
	if _, err := kinds.Train(context.Background(), cfg, data, train.Options{Dir: run}); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestEvalJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	cfg := kinds.Defaults()
	cfg.Epochs, cfg.TrainLimit, cfg.Hidden = 5, 1000, 12
	run := trainRun(t, cfg)
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-json", "-gibbs-steps", "20", "-ais-steps", "500", "-raise", "20", "-linear-epochs", "10", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
	}
	for _, k := range []string{"test_recon_error", "test_pll", "test_free_energy", "filters_png", "samples_png", "curves_svg",
		"log_z", "log_z_lo", "log_z_hi", "test_ll", "train_ll", "ais_runs", "ais_steps", "ais_seconds",
		"log_z_exact", "test_ll_exact", "test_ll_raise", "test_ll_ais_same_images"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
	if n := rep["test_images"].(float64); n != 10000 {
		t.Errorf("scored %g test images, want 10000", n)
	}
	// A linear classifier on the 12 hidden units' p(h|v), trained on
	// 1,000 images for five epochs: below the 89% of always answering "1".
	if e, ok := rep["linear_test_error"].(float64); !ok || e > 0.8 {
		t.Errorf("linear classifier on the RBM's features: test error %v", rep["linear_test_error"])
	}
	if pll := rep["test_pll"].(float64); !(pll < 0 && pll > -784*0.7) {
		t.Errorf("test pseudo-log-likelihood %g is not plausible", pll)
	}
	// 500 AIS steps on a 12-unit RBM: within a few tenths of a nat of the
	// exact value; RAISE below AIS on the same images.
	if d := rep["log_z"].(float64) - rep["log_z_exact"].(float64); d > 0.3 || d < -0.3 {
		t.Errorf("AIS log Z %v, exact %v", rep["log_z"], rep["log_z_exact"])
	}
	if rep["test_ll_raise"].(float64) > rep["test_ll_ais_same_images"].(float64)+0.1 {
		t.Errorf("RAISE %v above AIS %v on the same images", rep["test_ll_raise"], rep["test_ll_ais_same_images"])
	}
	f, err := os.Open(rep["filters_png"].(string))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// 12 filters in rows of 10 tiles of 28×28 at zoom 2 with 1-pixel borders.
	if b := img.Bounds(); b.Dx() != 10*57+1 || b.Dy() != 2*57+1 {
		t.Errorf("filters.png is %v", b)
	}
	if _, err := os.Stat(filepath.Join(run, "eval", "samples.png")); err != nil {
		t.Error(err)
	}
	// A checkpoint directory works as well as a run directory, and errors name the path.
	stdout.Reset()
	if code := runEval(context.Background(), []string{"-json", "-gibbs-steps", "1", "-ais=false", filepath.Join(run, "checkpoints", "epoch-000005")}, &stdout, &stderr); code != 0 {
		t.Errorf("checkpoint directory: exit %d: %s", code, stderr.String())
	}
	// The run holds out 10,000 validation images: -classify-holdout is refused, by name.
	stderr.Reset()
	if code := runEval(context.Background(), []string{"-json", "-ais=false", "-linear-epochs", "1", "-classify-holdout", "100", run}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "-classify-holdout") {
		t.Errorf("holdout beside the run's validation images: exit %d: %s", code, stderr.String())
	}
	stderr.Reset()
	if code := runEval(context.Background(), []string{"/nonexistent/run"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "/nonexistent/run") {
		t.Errorf("missing path: exit %d: %s", code, stderr.String())
	}
}

func TestEvalHopfield(t *testing.T) {
	if testing.Short() {
		t.Skip("reads real MNIST")
	}
	cfg := kinds.Defaults()
	cfg.Model, cfg.Binarize, cfg.TrainLimit = "hopfield", "none", 3000
	kinds.Update(&cfg, func(o *kinds.HopfieldOptions) { o.Rule, o.Prototypes = "storkey", 2 })
	run := trainRun(t, cfg)
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-json", "-hopfield-images", "40", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep HopfieldReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Patterns != 20 || rep.TestImages != 40 || len(rep.Recall) != 5 {
		t.Fatalf("report %+v", rep)
	}
	// 20 digit prototypes classify clean test digits far above chance.
	if rep.CleanAccuracy < 0.5 {
		t.Errorf("clean accuracy %.3f", rep.CleanAccuracy)
	}
	for _, r := range rep.Recall {
		if r.OverlapT0 < 0.5 || r.OverlapT0 > 1 {
			t.Errorf("%s: mean overlap after T=0 recall %.3f", r.Corruption, r.OverlapT0)
		}
	}
	if _, err := os.Stat(rep.Picture); err != nil {
		t.Error(err)
	}
}

// TestEvalSweep merges a sweep of two tiny trials, one of them not yet
// run: the leaderboard lists it and the exit status is 1; once it has
// run, the status is 0.
func TestEvalSweep(t *testing.T) {
	spec, err := sweep.ParseSpec([]byte("base: {hidden: 8, epochs: 1, train_limit: 200, validation: 100, batch: 50}\ngrid: {lr: [0.01, 0.05]}\nmetric: test_ll\nais: {steps: 200, runs: 4}\n"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := spec.Plan()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	load := func(cfg kinds.Config) (*data.Split, error) { return cfg.LoadData("") }
	// Shard 0 of 2 runs trial 0 only.
	if _, err := sweep.Run(context.Background(), plan, sweep.Options{Dir: dir, Shard: 0, Shards: 2, LoadData: load}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-sweep", dir}, &stdout, &stderr); code != 1 {
		t.Errorf("one trial missing: exit %d, want 1; %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "missing: trial 1") || !strings.Contains(stdout.String(), "best: ") {
		t.Errorf("leaderboard:\n%s", stdout.String())
	}
	if _, err := sweep.Run(context.Background(), plan, sweep.Options{Dir: dir, Shard: 1, Shards: 2, LoadData: load}); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := runEval(context.Background(), []string{"-sweep", dir}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "2 ranked, 0 failed, 0 missing") || !strings.Contains(stdout.String(), "| test_ll |") {
		t.Errorf("complete sweep: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	// Each trial estimated its test log-likelihood by AIS: a finite number
	// below 0 (a log-probability of 784 binary pixels), and below −100 for
	// these eight-unit RBMs after one epoch.
	lb, err := sweep.Merge(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range lb.Ranked {
		if ll := r.Metrics[sweep.MetricTestLL]; !(ll < -100) || r.Metrics["log_z"] == 0 {
			t.Errorf("trial %s: test_ll %g, log Z %g", r.ID, ll, r.Metrics["log_z"])
		}
	}
	for _, f := range []string{"leaderboard.csv", "leaderboard.md", "leaderboard.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if code := runEval(context.Background(), []string{"-sweep", dir, "-metric", "accuracy"}, &stdout, &stderr); code != 2 {
		t.Errorf("unknown metric: exit %d", code)
	}
}

// TestEvalGaussian: eval reports on a Gaussian-Bernoulli RBM through the
// evaluation contract alone: log Z by AIS from the fitted Gaussian, beside
// the exact value of its 10 hidden units; log-likelihoods as densities over
// pixels; no pseudo-log-likelihood; pictures.
func TestEvalGaussian(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	cfg := kinds.Defaults()
	cfg.Model, cfg.DType, cfg.Binarize, cfg.PCD = "grbm", "float64", "none", true
	cfg.Epochs, cfg.TrainLimit, cfg.Hidden, cfg.LR = 1, 1000, 10, 0.01
	run := trainRun(t, cfg)
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-json", "-gibbs-steps", "20", "-ais-steps", "2000", "-ais-runs", "50", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
	}
	if rep["kind"] != "grbm" || rep["test_pll"] != nil {
		t.Errorf("kind %v, test_pll %v: want grbm and null", rep["kind"], rep["test_pll"])
	}
	if _, ok := rep["test_ll_raise"]; ok {
		t.Error("RAISE reported for a model that does not supply it")
	}
	exact, ok := rep["log_z_exact"].(float64)
	if !ok {
		t.Fatalf("no exact log Z for 10 hidden units: %s", stdout.String())
	}
	t.Logf("log Z: AIS %.4f, exact %.4f; test LL %.4f", rep["log_z"], exact, rep["test_ll"])
	if d := rep["log_z"].(float64) - exact; d > 0.1 || d < -0.1 {
		t.Errorf("AIS log Z %v, exact %v", rep["log_z"], exact)
	}
	if d := rep["test_ll"].(float64) - rep["test_ll_exact"].(float64); d > 0.1 || d < -0.1 {
		t.Errorf("test LL %v by AIS, %v exact", rep["test_ll"], rep["test_ll_exact"])
	}
	for _, k := range []string{"filters_png", "samples_png"} {
		if _, err := os.Stat(rep[k].(string)); err != nil {
			t.Error(err)
		}
	}
}

// TestEvalDBM: eval reports on a DBM through the same contract: AIS over
// its even layers beside the exact log Z (its 12 first-layer units
// enumerated, the pixels and the top layer summed out), the test
// log-likelihood flagged as a variational lower bound, pictures.
func TestEvalDBM(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	cfg := kinds.Defaults()
	cfg.Model, cfg.Epochs, cfg.TrainLimit, cfg.K = "dbm", 5, 1000, 2
	kinds.Update(&cfg, func(o *kinds.DBMOptions) { o.Layers, o.PretrainEpochs = []int{12, 30}, 10 })
	run := trainRun(t, cfg)
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-json", "-gibbs-steps", "20", "-ais-steps", "3000", "-ais-runs", "50", "-linear-epochs", "10", "-finetune-epochs", "20", "-finetune-lr", "0.1", run}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, stdout.String())
	}
	if rep["kind"] != "dbm" || rep["ll_is_lower_bound"] != true {
		t.Errorf("kind %v, ll_is_lower_bound %v", rep["kind"], rep["ll_is_lower_bound"])
	}
	exact, ok := rep["log_z_exact"].(float64)
	if !ok {
		t.Fatalf("no exact log Z for 12 first-layer units: %s", stdout.String())
	}
	t.Logf("log Z: AIS %.4f, exact %.4f; test LL bound %.4f", rep["log_z"], exact, rep["test_ll"])
	if d := rep["log_z"].(float64) - exact; d > 0.2 || d < -0.2 {
		t.Errorf("AIS log Z %v, exact %v", rep["log_z"], exact)
	}
	if ll := rep["test_ll"].(float64); !(ll < -100 && ll > -400) {
		t.Errorf("test log-likelihood bound %v of a 12-30 DBM after two epochs", ll)
	}
	if rep["classify_input"] != "grey" {
		t.Errorf("classifiers saw %v images, want grey by default", rep["classify_input"])
	}
	// Trained on 1,000 images: far better than chance (90% error), on the
	// test images and on the run's 10,000 validation images alike.
	lin, ft := rep["linear_test_error"].(float64), rep["finetune_test_error"].(float64)
	linV, ftV := rep["linear_validation_error"].(float64), rep["finetune_validation_error"].(float64)
	t.Logf("test error: linear %.3f, fine-tuned %.3f; validation: %.3f, %.3f", lin, ft, linV, ftV)
	if !(lin < 0.6 && ft < 0.6 && linV < 0.6 && ftV < 0.6) {
		t.Errorf("test error: linear %.3f, fine-tuned %.3f; validation: %.3f, %.3f", lin, ft, linV, ftV)
	}
	if n := rep["classify_validation_images"]; n != float64(10000) {
		t.Errorf("classifiers' validation images %v, want the run's 10000", n)
	}
	for _, k := range []string{"filters_png", "samples_png"} {
		if _, err := os.Stat(rep[k].(string)); err != nil {
			t.Error(err)
		}
	}
}

// TestEvalRefusesBadClassifyInput: an unknown -classify-input is a usage
// error that names the flag, before anything is loaded.
func TestEvalRefusesBadClassifyInput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := runEval(context.Background(), []string{"-classify-input", "colour", "-linear-epochs", "1", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-classify-input") {
		t.Errorf("exit %d, stderr %q: want 2 and the flag named", code, stderr.String())
	}
	stderr.Reset()
	if code := runEval(context.Background(), []string{"-ais-steps", "2", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-ais-steps: ais: 2 transitions") {
		t.Errorf("-ais-steps 2: exit %d, stderr %q: want 2 and the flag named", code, stderr.String())
	}
	stderr.Reset()
	if code := runEval(context.Background(), []string{"-anneal-t0", "-1", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "-anneal-t0") {
		t.Errorf("-anneal-t0 -1: exit %d, stderr %q: want 2 and the flag named", code, stderr.String())
	}
}

// TestClassifierSplit: -classify-holdout moves the last training images,
// with their labels, to the validation set of a run that had none, and
// refuses what it cannot do, naming the flag.
func TestClassifierSplit(t *testing.T) {
	const n, d = 10, 3
	images := tensor.New(tensor.WithShape(n, d), tensor.WithBacking(make([]float32, n*d)))
	labels := make([]int, n)
	for i := range n {
		labels[i] = i
		for j := range d {
			images.Float32s()[i*d+j] = float32(i)
		}
	}
	none := &data.Split{Train: data.Examples{X: images, Labels: labels}, Validation: data.Examples{}, Test: data.Examples{}}
	if got, err := classifierSplit(none, 0); err != nil || got != none {
		t.Errorf("holdout 0: %v, %v; want the split itself", got, err)
	}
	got, err := classifierSplit(none, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got.Train.Len() != 7 || got.Validation.Len() != 3 || got.Validation.Labels[0] != 7 || got.Validation.X.Float32s()[0] != 7 || got.Train.X.Shape()[0] != 7 {
		t.Errorf("train %d rows (labels %v), validation %d (labels %v)", got.Train.X.Shape()[0], got.Train.Labels, got.Validation.Len(), got.Validation.Labels)
	}
	if none.Train.Len() != n || none.Validation.Len() != 0 {
		t.Error("the run's own split was changed")
	}
	for _, tc := range []struct {
		name    string
		split   *data.Split
		holdout int
	}{
		{"all the training images", none, n},
		{"beside the run's validation images", got, 1},
	} {
		if _, err := classifierSplit(tc.split, tc.holdout); err == nil || !strings.Contains(err.Error(), "-classify-holdout") {
			t.Errorf("%s: error %v, want one naming -classify-holdout", tc.name, err)
		}
	}
}
