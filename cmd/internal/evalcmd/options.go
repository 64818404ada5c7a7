package evalcmd

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/version"
	"github.com/boltzmann-go/boltzmann/kinds"
)

type options struct {
	// table holds the kinds eval loads (kinds.Builtin for Main).
	table      *kinds.Table
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

	sweepDir string // -sweep: merge this sweep instead of evaluating a model
	metric   string

	made string // the first directory of out that prepare created ("": none), for an interrupted eval to remove
}

// parseArgs reads eval's command line into o. done says that the command
// has nothing more to do (-h, -version, a bad command line), with exit
// status code. With -sweep, the other flags go unchecked.
func parseArgs(args []string, stdout, stderr io.Writer) (o options, code int, done bool) {
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
	fs.StringVar(&o.sweepDir, "sweep", "", "merge the sweep in `directory` into a leaderboard (leaderboard.csv, .md, .svg); exit 1 if trials are missing")
	fs.StringVar(&o.metric, "metric", "", "sweep: rank by valid_pll, valid_recon_error or test_ll (default: the spec's)")
	positional, err := cli.Parse(fs, args, "eval")
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return o, 0, true
	}
	if err != nil {
		fmt.Fprintln(stderr, "eval:", cli.Message("eval", err))
		return o, 2, true
	}
	if *showVersion {
		fmt.Fprintln(stdout, "boltzmann", version.String())
		return o, 0, true
	}
	if o.sweepDir != "" {
		if len(positional) != 0 {
			fmt.Fprintln(stderr, "eval: -sweep takes the sweep directory as its value and no other argument")
			return o, 2, true
		}
		return o, 0, false
	}
	if len(positional) != 1 {
		fmt.Fprintf(stderr, "eval: want one run or checkpoint directory, got %d arguments (run 'eval -h' for the flags)\n", len(positional))
		return o, 2, true
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
	if err := o.check(); err != nil {
		fmt.Fprintln(stderr, "eval:", err)
		return o, 2, true
	}
	o.path = positional[0]
	return o, 0, false
}

// check refuses values of the flags that eval cannot run with, naming the
// flags.
func (o *options) check() error {
	if _, err := hopfield.Geometric(o.annealT0, o.annealT1, o.annealSteps); err != nil {
		return fmt.Errorf("-anneal-t0, -anneal-t1, -anneal-steps: %v", err)
	}
	if _, err := ais.ScaledSchedule(o.aisSteps); err != nil {
		return fmt.Errorf("-ais-steps: %v", err)
	}
	if o.aisRuns < 1 || o.raiseImages < 0 {
		return errors.New("-ais-runs must be at least 1 and -raise not negative")
	}
	if o.linearEpochs < 0 || o.finetuneEpochs < 0 || !(o.finetuneLR > 0) || o.holdout < 0 {
		return errors.New("-linear-epochs, -finetune-epochs and -classify-holdout must not be negative, -finetune-lr must be positive")
	}
	if o.gibbsSteps < 1 {
		return errors.New("-gibbs-steps must be at least 1")
	}
	if o.dropIn < 0 || o.dropIn >= 1 || o.dropH < 0 || o.dropH >= 1 {
		return errors.New("-finetune-input-dropout and -finetune-dropout must be in [0, 1)")
	}
	if o.classifyInput != "grey" && o.classifyInput != "data" {
		return fmt.Errorf("-classify-input %q: want grey or data", o.classifyInput)
	}
	return nil
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
exit status: 0 done, 1 failed while running, 2 bad command line, 130 stopped
by Ctrl-C (SIGINT or SIGTERM), with nothing written.
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
