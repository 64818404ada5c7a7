// Package evalcmd is the eval command (`boltzmann eval`, and the eval
// binary): it reports on a trained model: scores on the test set, pictures
// of its filters and of samples from it, and its training curves.
//
//	boltzmann eval runs/rbm                          # the run's latest checkpoint
//	boltzmann eval -json runs/rbm/checkpoints/epoch-000010
//	boltzmann eval -sweep runs/sweep                 # a sweep's leaderboard
//
// Pictures go to -out (default: the run directory's eval/ folder):
// filters.png, samples.png and curves.svg.
package evalcmd

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/optional"
	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/internal/progress"
	"github.com/boltzmann-go/boltzmann/internal/version"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/sweep"
	"github.com/boltzmann-go/boltzmann/train"
)

// Main runs the eval command with its arguments (without the command's
// name) and returns its exit status.
func Main(args []string, stdout, stderr io.Writer) int { return runEval(args, stdout, stderr) }

// mergeSweep writes and prints a sweep's leaderboard; missing trials make
// the exit status 1.
func mergeSweep(dir, metric string, stdout, stderr io.Writer) int {
	switch metric {
	case "", sweep.MetricValidPLL, sweep.MetricValidRecon, sweep.MetricTestLL:
	default:
		fmt.Fprintf(stderr, "eval: -metric %q: want %s, %s or %s\n", metric, sweep.MetricValidPLL, sweep.MetricValidRecon, sweep.MetricTestLL)
		return 2
	}
	lb, err := sweep.Merge(dir, metric)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	if err := lb.Write(); err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	stdout.Write(lb.Markdown())
	fmt.Fprintf(stdout, "\n%d ranked, %d failed, %d missing; leaderboard.csv, .md and .svg in %s\n", len(lb.Ranked), len(lb.Failed), len(lb.Missing), dir)
	if len(lb.Missing) > 0 {
		return 1
	}
	return 0
}

type options struct {
	path       string
	out        string
	data       string
	testData   string
	jsonOut    bool
	seed       uint64
	gibbsSteps int
	quiet      bool
	blas       string

	ais         bool
	aisSteps    int
	aisRuns     int
	raiseImages int
	quick       bool

	linearEpochs   int
	finetuneEpochs int
	finetuneLR     float64
	classifyInput  string
	holdout        int
	dropIn, dropH  float64

	hopfieldImages int
	annealT0       float64
	annealT1       float64
	annealSteps    int
}

func runEval(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, evalUsage)
		cli.PrintGroups(stderr, fs, evalGroups)
		fmt.Fprint(stderr, evalUsageEnd)
	}
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.StringVar(&o.out, "out", "", "`directory` for the pictures (default: PATH's run directory/eval)")
	fs.StringVar(&o.data, "data", "", "the `dataset`, when not the run's own (its config.json records it): a directory of IDX files, a .npz, .npy or .csv file")
	fs.StringVar(&o.testData, "test-data", "", "score this test set (a .npy, .csv or .npz `file`, or an IDX directory) rather than the run's")
	fs.BoolVar(&o.jsonOut, "json", false, "print the report as one JSON object on standard output")
	fs.Uint64Var(&o.seed, "seed", 1, "seed of the samples and the pseudo-log-likelihood's pixel flips")
	fs.IntVar(&o.gibbsSteps, "gibbs-steps", 1000, "Gibbs steps from random starts for samples.png")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	fs.BoolVar(&o.ais, "ais", true, "estimate log Z and the log-likelihood by AIS (-ais=false to skip)")
	fs.IntVar(&o.aisSteps, "ais-steps", ais.PaperK, "AIS intermediate distributions, in the shape of Salakhutdinov & Murray's schedule")
	fs.IntVar(&o.aisRuns, "ais-runs", 100, "independent AIS runs")
	fs.IntVar(&o.raiseImages, "raise", 100, "test images whose log-likelihood reverse AIS (RAISE) bounds from below (0: none)")
	fs.IntVar(&o.linearEpochs, "linear-epochs", 0, "train a linear softmax classifier on the model's features for N epochs and report its test error (0: no)")
	fs.IntVar(&o.finetuneEpochs, "finetune-epochs", 0, "fine-tune the network the model initialises on the labels for N epochs and report its test error (0: no)")
	fs.Float64Var(&o.finetuneLR, "finetune-lr", 0.05, "learning rate of fine-tuning (decayed linearly to a tenth)")
	fs.Float64Var(&o.dropIn, "finetune-input-dropout", 0, "fine-tuning: probability of dropping each input unit from a minibatch's pass")
	fs.Float64Var(&o.dropH, "finetune-dropout", 0, "fine-tuning: probability of dropping each hidden unit from a minibatch's pass (Srivastava et al. 2014: 0.5, inputs 0.2)")
	fs.StringVar(&o.classifyInput, "classify-input", "grey", "images the classifiers see: grey (the intensities, as classifiers on MNIST are compared) or data (as the model was trained: binarised when the run binarised)")
	fs.IntVar(&o.holdout, "classify-holdout", 0, "for a run that held out no validation images: hold out the last N training images from the classifiers and report their error on them, to choose a recipe without the test set (a run's own validation images serve when it has some)")
	fs.IntVar(&o.hopfieldImages, "hopfield-images", 1000, "Hopfield: test images to corrupt and recall")
	fs.Float64Var(&o.annealT0, "anneal-t0", 0.2, "Hopfield: first temperature of the annealing schedule")
	fs.Float64Var(&o.annealT1, "anneal-t1", 0.01, "Hopfield: last temperature of the annealing schedule")
	fs.IntVar(&o.annealSteps, "anneal-steps", 20, "Hopfield: temperatures in the geometric annealing schedule")
	fs.BoolVar(&o.quick, "quick", false, "quick estimate: 1,000 AIS steps instead of 14,500 (unless -ais-steps is given), 200 sampling steps, a Hopfield memory's recall on 100 test images")
	fs.StringVar(&o.blas, "blas", fastblas.Auto, fastblas.Usage)
	sweepDir := fs.String("sweep", "", "merge the sweep in `directory` into a leaderboard (leaderboard.csv, .md, .svg); exit 1 if trials are missing")
	metric := fs.String("metric", "", "sweep: rank by valid_pll, valid_recon_error or test_ll (default: the spec's)")
	positional, err := cli.Parse(fs, args, "eval")
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 2
	}
	if *showVersion {
		fmt.Fprintln(stdout, "boltzmann", version.String())
		return 0
	}
	if *sweepDir != "" {
		if len(positional) != 0 {
			fmt.Fprintln(stderr, "eval: -sweep takes the sweep directory as its value and no other argument")
			return 2
		}
		return mergeSweep(*sweepDir, *metric, stdout, stderr)
	}
	if len(positional) != 1 {
		fmt.Fprintf(stderr, "eval: want one run or checkpoint directory, got %d arguments (run 'eval -h' for the flags)\n", len(positional))
		return 2
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if o.quick {
		if !given["ais-steps"] {
			o.aisSteps = 1000
		}
		if !given["gibbs-steps"] {
			o.gibbsSteps = 200
		}
		if !given["hopfield-images"] {
			o.hopfieldImages = 100
		}
	}
	if _, err := hopfield.Geometric(o.annealT0, o.annealT1, o.annealSteps); err != nil {
		fmt.Fprintln(stderr, "eval: -anneal-t0, -anneal-t1, -anneal-steps:", err)
		return 2
	}
	if _, err := ais.ScaledSchedule(o.aisSteps); err != nil {
		fmt.Fprintln(stderr, "eval: -ais-steps:", err)
		return 2
	}
	if o.aisRuns < 1 || o.raiseImages < 0 {
		fmt.Fprintln(stderr, "eval: -ais-runs must be at least 1 and -raise not negative")
		return 2
	}
	if o.linearEpochs < 0 || o.finetuneEpochs < 0 || !(o.finetuneLR > 0) || o.holdout < 0 {
		fmt.Fprintln(stderr, "eval: -linear-epochs, -finetune-epochs and -classify-holdout must not be negative, -finetune-lr must be positive")
		return 2
	}
	if o.gibbsSteps < 1 {
		fmt.Fprintln(stderr, "eval: -gibbs-steps must be at least 1")
		return 2
	}
	if o.dropIn < 0 || o.dropIn >= 1 || o.dropH < 0 || o.dropH >= 1 {
		fmt.Fprintln(stderr, "eval: -finetune-input-dropout and -finetune-dropout must be in [0, 1)")
		return 2
	}
	if o.classifyInput != "grey" && o.classifyInput != "data" {
		fmt.Fprintf(stderr, "eval: -classify-input %q: want grey or data\n", o.classifyInput)
		return 2
	}
	o.path = positional[0]
	blasDesc, err := fastblas.Use(o.blas)
	if err != nil {
		fmt.Fprintln(stderr, "eval: -blas:", err)
		return 2
	}
	if !o.quiet && !o.jsonOut {
		fmt.Fprintln(stderr, "BLAS:", blasDesc)
	}
	loaded, data, err := prepare(&o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	if loaded.Config.OwnParallelism() {
		fastblas.SingleThreaded()
	}
	if _, ok := loaded.Model.(*hopfield.Memory); ok {
		start := time.Now()
		rep, err := evaluateHopfield(loaded, data, o)
		if err != nil {
			fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
			return 1
		}
		rep.BLAS, rep.Seconds = blasDesc, time.Since(start).Seconds()
		rep.Version = version.String()
		if err := saveReport(o.out, rep); err != nil {
			fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
			return 1
		}
		if o.jsonOut {
			if err := json.NewEncoder(stdout).Encode(rep); err != nil {
				fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
				return 1
			}
			return 0
		}
		printHopfield(stdout, rep)
		return 0
	}
	rep, err := report(loaded, data, o, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	rep.BLAS = blasDesc
	if err := saveReport(o.out, rep); err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return 1
	}
	if o.jsonOut {
		enc := json.NewEncoder(stdout)
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "checkpoint   %s (%s, epoch %d, step %d)\n", rep.Checkpoint, rep.Kind, rep.Epoch, rep.Step)
	fmt.Fprintf(stdout, "test images  %d\n", rep.TestImages)
	fmt.Fprintf(stdout, "recon error  %.4f squared pixels per image\n", rep.TestReconError)
	if rep.TestPLL != nil {
		fmt.Fprintf(stdout, "pseudo-LL    %.4f nats per image\n", *rep.TestPLL)
	}
	fmt.Fprintf(stdout, "free energy  %.4f (mean F(v))\n", rep.TestFreeEnergy)
	fmt.Fprintf(stdout, "filters      %s\nsamples      %s (%d Gibbs steps)\n", rep.Filters, rep.Samples, rep.SampleSteps)
	if rep.Curves != "" {
		fmt.Fprintf(stdout, "curves       %s\n", rep.Curves)
	}
	fmt.Fprintf(stdout, "report       %s\n", filepath.Join(o.out, ReportFile))
	if c := rep.Classification; c != nil {
		valid := func(e *float64) string {
			if e == nil {
				return ""
			}
			return fmt.Sprintf(", %.2f%% validation (%d images)", 100**e, c.ValidImages)
		}
		if c.LinearError != nil {
			fmt.Fprintf(stdout, "linear       %.2f%% test error%s (softmax on the features, %d epochs, %.0f s)\n", 100**c.LinearError, valid(c.LinearValid), c.LinearEpochs, c.LinearSeconds)
		}
		if c.FinetuneError != nil {
			fmt.Fprintf(stdout, "fine-tuned   %.2f%% test error, %.2f%% training%s (%d epochs at lr %g, %.0f s)\n", 100**c.FinetuneError, 100**c.FinetuneTrain, valid(c.FinetuneValid), c.FinetuneEpochs, c.FinetuneLR, c.FinetuneSeconds)
		}
	}
	if l := rep.Likelihood; l != nil {
		fmt.Fprintf(stdout, "\nAIS          %d runs × %d intermediate distributions, %.1f s (effective sample size %.1f)\n", l.AISRuns, l.AISSteps, l.AISSeconds, l.AISESS)
		fmt.Fprintf(stdout, "log Z        %.4f  (±3σ: %s to %.4f; base model %.4f)\n", l.LogZ, orOpen(l.LogZLo), l.LogZHi, l.LogZBase)
		bound := ""
		if l.Bound {
			bound = ", a variational lower bound"
		}
		fmt.Fprintf(stdout, "test LL      %.4f nats per image  (%.4f to %s%s)\n", l.TestLL, l.TestLLLo, orOpen(l.TestLLHi), bound)
		fmt.Fprintf(stdout, "train LL     %.4f nats per image  (%d images)\n", l.TrainLL, l.TrainImage)
		if l.LogZExact != nil {
			fmt.Fprintf(stdout, "exact log Z  %.4f  (test LL %.4f)\n", *l.LogZExact, *l.TestLLExact)
		}
		if l.TestLLRaise != nil {
			fmt.Fprintf(stdout, "RAISE        %.4f nats per image on the first %d test images (AIS on the same images: %.4f), %.1f s\n",
				*l.TestLLRaise, l.RaiseImages, *l.TestLLAISFirst, l.RaiseSeconds)
		}
	}
	return 0
}

// ReportFile is the report eval saves beside its pictures: the object that
// -json prints.
const ReportFile = "report.json"

// saveReport writes the report as JSON into dir, atomically.
func saveReport(dir string, rep any) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, ReportFile), append(b, '\n'))
}

const evalUsage = `usage: boltzmann eval [flags] PATH     (or: eval [flags] PATH)

Reports on a trained model: PATH is a run directory (its latest checkpoint)
or a checkpoint directory. Flags may come before or after PATH. The report is
printed (as JSON with -json) and saved as report.json beside filters.png,
samples.png and curves.svg in -out.

examples:
  boltzmann eval runs/rbm                      # AIS log-likelihood (14,500 steps, 100 runs), RAISE, pictures
  boltzmann eval runs/rbm -quick               # a quick estimate (1,000 AIS steps)
  boltzmann eval -linear-epochs 30 -finetune-epochs 50 runs/dbm
`

const evalUsageEnd = `
exit status: 0 done, 1 failed while running, 2 bad command line.
The README describes every flag and the report's fields:
https://github.com/boltzmann-go/boltzmann#readme
`

// evalGroups orders eval's flags for -h.
var evalGroups = []cli.Group{
	{Title: "output", Flags: []string{"out", "json", "quiet", "version"}},
	{Title: "likelihood", Flags: []string{"ais", "ais-steps", "ais-runs", "raise", "quick", "seed"}},
	{Title: "pictures", Flags: []string{"gibbs-steps"}},
	{Title: "data", Flags: []string{"data", "test-data"}},
	{Title: "classifiers", Flags: []string{"linear-epochs", "finetune-epochs", "finetune-lr", "finetune-input-dropout", "finetune-dropout", "classify-input", "classify-holdout"}},
	{Title: "hopfield", Flags: []string{"hopfield-images", "anneal-t0", "anneal-t1", "anneal-steps"}},
	{Title: "sweep", Flags: []string{"sweep", "metric"}},
	{Title: "run", Flags: []string{"blas"}},
}

// prepare loads the checkpoint and the data it was trained on, and
// creates the output directory.
func prepare(o *options, stderr io.Writer) (*kinds.Loaded, *data.Split, error) {
	loaded, err := kinds.Load(o.path)
	if err != nil {
		return nil, nil, err
	}
	if o.out == "" {
		o.out = filepath.Join(runDirOf(loaded), "eval")
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return nil, nil, err
	}
	if o.testData != "" {
		loaded.Config.TestData = o.testData
	}
	split, err := loaded.Config.LoadData(o.data)
	if err != nil {
		return nil, nil, err
	}
	if o.data == "" && o.testData == "" {
		if err := data.SameFiles(loaded.Config.DataFiles, split.Files); err != nil {
			fmt.Fprintf(stderr, "eval: warning: the run's data files have changed since it trained (config.json records their SHA-256): %v\n", err)
		}
	}
	return loaded, split, nil
}

// runDirOf is the run directory of a loaded checkpoint (RUN/checkpoints/
// NAME), or the directory of an exported model, which stands alone.
func runDirOf(loaded *kinds.Loaded) string {
	if loaded.ModelOnly {
		return loaded.Dir
	}
	return filepath.Dir(filepath.Dir(loaded.Dir))
}

// report reports on any model that supplies evaluate.Evaluable: eval has
// no code of its own for a kind of model.
func report(loaded *kinds.Loaded, split *data.Split, o options, stderr io.Writer) (*evaluate.Report, error) {
	start := time.Now()
	m, ok := loaded.Model.(evaluate.Evaluable)
	if !ok {
		return nil, fmt.Errorf("%s: model kind %q does not supply the evaluation contract (evaluate.Evaluable)", loaded.Dir, loaded.Config.Model)
	}
	runDir := runDirOf(loaded)
	cfg := loaded.Config
	var err error
	if got := split.Test.X.Shape()[1]; got != m.Visible() {
		return nil, fmt.Errorf("%s: test rows have %d values but the model has %d visible units", testSetName(cfg, o), got, m.Visible())
	}
	scores := m.Evaluate(split.Test.X, evaluate.ScoreSource(o.seed))
	rep := &evaluate.Report{
		Version: version.String(), Checkpoint: loaded.Dir, Kind: cfg.Model, Epoch: loaded.Progress.Epoch, Step: loaded.Progress.Step,
		TestImages: split.Test.Len(), TestReconError: scores.ReconError,
		TestFreeEnergy: scores.FreeEnergy, SampleSteps: o.gibbsSteps,
		TestPLL: optional.Float(scores.PseudoLogLikelihood),
	}
	var bars io.Writer = stderr
	if o.quiet {
		bars = io.Discard
	}
	// The classifiers' images are made ready before AIS, so that what they
	// refuse (a model kind, -classify-holdout) fails at once rather than
	// after minutes of annealing.
	var classifier evaluate.Classifiable
	var images *data.Split
	if o.linearEpochs > 0 || o.finetuneEpochs > 0 {
		var ok bool
		if classifier, ok = loaded.Model.(evaluate.Classifiable); !ok {
			return nil, fmt.Errorf("%s: model kind %q does not become a classifier (evaluate.Classifiable)", loaded.Dir, cfg.Model)
		}
		if split.Train.Labels == nil {
			return nil, fmt.Errorf("-linear-epochs and -finetune-epochs: the classifiers need labels, and %s has none", dataName(cfg.Data))
		}
		images = split
		if o.classifyInput == "grey" && cfg.Binarize != string(data.NoBinarization) {
			grey := cfg
			grey.Binarize = string(data.NoBinarization)
			if images, err = grey.LoadData(o.data); err != nil {
				return nil, err
			}
		}
		if images, err = classifierSplit(images, o.holdout); err != nil {
			return nil, err
		}
	}
	if o.ais {
		if rep.Likelihood, err = evaluate.LogLikelihood(m, split.Train.X, split.Test.X, evaluate.AISOptions{Steps: o.aisSteps, Runs: o.aisRuns, Seed: o.seed, Raise: o.raiseImages}, bars); err != nil {
			return nil, err
		}
	}
	if classifier != nil {
		if rep.Classification, err = evaluate.Classify(classifier, images.Part(data.Training), images.Part(data.Validation), images.Part(data.Test), images.Classes(), evaluate.ClassifierOptions{
			LinearEpochs: o.linearEpochs, FinetuneEpochs: o.finetuneEpochs, FinetuneLR: o.finetuneLR,
			InputDropout: o.dropIn, HiddenDropout: o.dropH, Seed: o.seed}, bars); err != nil {
			return nil, err
		}
		rep.Classification.Input = o.classifyInput
	}
	rows, cols := split.Rows, split.Cols
	if filters, scale, ok := evaluate.FilterPicture(m, 100); ok {
		if rep.Filters, err = writePNG(filepath.Join(o.out, "filters.png"), filters, rows, cols, scale, 10); err != nil {
			return nil, err
		}
	}
	bar := progress.Bar(bars, o.gibbsSteps, "sampling")
	samples, ok, err := evaluate.SamplePicture(m, 100, o.gibbsSteps, o.seed, func(done int) { _ = bar.Set(done) })
	_ = bar.Finish()
	if err != nil {
		return nil, err
	}
	if ok {
		if rep.Samples, err = writePNG(filepath.Join(o.out, "samples.png"), samples, rows, cols, picture.Unit, 10); err != nil {
			return nil, err
		}
	}
	if ms, err := train.ReadMetrics(runDir); err == nil && len(ms) > 0 {
		rep.Curves = filepath.Join(o.out, "curves.svg")
		if err := atomicfile.WriteFile(rep.Curves, curves(ms)); err != nil {
			return nil, err
		}
	}
	rep.Seconds = time.Since(start).Seconds()
	return rep, nil
}

func orOpen(x *float64) string {
	if x == nil {
		return "open"
	}
	return fmt.Sprintf("%.4f", *x)
}

func writePNG(path string, tiles [][]float64, rows, cols int, s picture.Scaling, perRow int) (string, error) {
	tiles, rows, cols, perRow = picture.Shaped(tiles, rows, cols, perRow)
	img, err := picture.Grid(tiles, rows, cols, perRow, 2, s)
	if err != nil {
		return "", err
	}
	b, err := picture.EncodePNG(img)
	if err != nil {
		return "", err
	}
	return path, atomicfile.WriteFile(path, b)
}

func curves(ms []train.Metrics) []byte {
	series := func(name string, f func(train.Metrics) float64) picture.Series {
		s := picture.Series{Name: name}
		for _, m := range ms {
			if y := f(m); !math.IsNaN(y) { // validation metrics are absent when nothing was held out
				s.X = append(s.X, float64(m.Epoch))
				s.Y = append(s.Y, y)
			}
		}
		return s
	}
	return picture.Charts([]picture.Panel{
		{Title: "reconstruction error", XLabel: "epoch", IntegerX: true, Series: []picture.Series{
			series("train", func(m train.Metrics) float64 { return m.TrainRecon }),
			series("validation", func(m train.Metrics) float64 { return m.ValidRecon })}},
		{Title: "pseudo-log-likelihood (nats)", XLabel: "epoch", IntegerX: true, Series: []picture.Series{
			series("train", func(m train.Metrics) float64 { return m.TrainPLL }),
			series("validation", func(m train.Metrics) float64 { return m.ValidPLL })}},
		{Title: "mean free energy", XLabel: "epoch", IntegerX: true, Series: []picture.Series{
			series("train", func(m train.Metrics) float64 { return m.TrainFree }),
			series("validation", func(m train.Metrics) float64 { return m.ValidFree })}},
	})
}

func dataName(path string) string {
	if path == "" {
		return "MNIST"
	}
	return path
}

// testSetName names the file the test set came from.
func testSetName(cfg kinds.Config, o options) string {
	switch {
	case o.testData != "":
		return o.testData
	case o.data != "":
		return o.data
	case cfg.TestData != "":
		return cfg.TestData
	}
	return dataName(cfg.Data)
}
