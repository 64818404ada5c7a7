// Command train trains an energy-based model on MNIST (or any dataset in
// the IDX format) and writes metrics, checkpoints and a final model to a run
// directory.
//
//	train                                  # 500-unit RBM, PCD-1, defaults
//	train -epochs 1 -train-limit 2000 -hidden 50 -out /tmp/x
//	train -config run.yaml -lr 0.05        # flags override the file
//	train -resume -out runs/rbm            # continue after a stop
//	train -sweep spec.yaml -out runs/sweep -parallel 2   # a hyperparameter sweep
//	train -sweep spec.yaml -out /shared/s -num-shards 8  # one shard (index from the environment)
//
// SIGINT or SIGTERM finishes the current batch, writes a checkpoint and
// exits with status 130.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		// After the first signal, restore the default handling, so that a
		// second Ctrl-C stops at once instead of waiting for the checkpoint.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// invocation holds the flags that are not part of the saved configuration.
type invocation struct {
	configPath string
	out        string
	resume     bool
	resumeFrom string
	quiet      bool
	blas       string

	sweep     string // spec file
	parallel  int
	shard     int // −1: from the environment
	numShards int
	dryRun    bool
}

// newFlags binds every flag to cfg and inv; the defaults shown are cfg's.
func newFlags(cfg *kinds.Config, inv *invocation, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: train [flags]\n\nTrains a model and writes metrics.jsonl and checkpoints/ to -out.\nA -config file (YAML or JSON) sets the same fields, named with underscores (weight_decay);\nflags given on the command line override it.\n\nflags:\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&inv.configPath, "config", "", "YAML or JSON config `file`; unknown fields are errors")
	fs.StringVar(&inv.out, "out", "runs/rbm", "run `directory` for metrics and checkpoints")
	fs.BoolVar(&inv.resume, "resume", false, "continue the run in -out from its latest checkpoint")
	fs.StringVar(&inv.resumeFrom, "resume-from", "", "continue the run in -out from this `checkpoint` (a name under -out/checkpoints, or a path) rather than the latest")
	fs.BoolVar(&inv.quiet, "quiet", false, "no progress bars or per-epoch lines")
	fs.StringVar(&inv.blas, "blas", fastblas.Auto, "matrix products: auto (OpenBLAS if installed, else simd where the CPU has AVX2, else gonum), openblas, simd or gonum")
	fs.StringVar(&inv.sweep, "sweep", "", "run the trials of a sweep spec `file` into -out (see experiments/sweeps)")
	fs.IntVar(&inv.parallel, "parallel", 1, "sweep: trials trained at once")
	fs.IntVar(&inv.shard, "shard", -1, "sweep: run trial indices ≡ shard mod -num-shards (default: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, else 0)")
	fs.IntVar(&inv.numShards, "num-shards", 0, "sweep: number of shards (default: SLURM_ARRAY_TASK_COUNT, else 1)")
	fs.BoolVar(&inv.dryRun, "dry-run", false, "sweep: list the trials and this shard's share, train nothing")

	fs.StringVar(&cfg.Model, "model", cfg.Model, "model kind: rbm, grbm (Gaussian visible units: -binarize none -dtype float64), dbm (deep Boltzmann machine: -layers) or hopfield")
	fs.IntVar(&cfg.Hidden, "hidden", cfg.Hidden, "hidden units")
	fs.IntVar(&cfg.Epochs, "epochs", cfg.Epochs, "passes over the training set")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "minibatch size")
	fs.Float64Var(&cfg.LR, "lr", cfg.LR, "learning rate")
	fs.StringVar(&cfg.LRSchedule, "lr-schedule", cfg.LRSchedule, "learning-rate schedule: constant, linear (to -lr-final) or exponential (×-lr-decay per epoch)")
	fs.Float64Var(&cfg.LRFinal, "lr-final", cfg.LRFinal, "final learning rate of the linear schedule")
	fs.Float64Var(&cfg.LRDecay, "lr-decay", cfg.LRDecay, "per-epoch factor of the exponential schedule")
	fs.Float64Var(&cfg.LRFloor, "lr-floor", cfg.LRFloor, "least rate of the exponential schedule (0: none)")
	fs.Float64Var(&cfg.Momentum, "momentum", cfg.Momentum, "momentum after the first -momentum-epochs epochs")
	fs.Float64Var(&cfg.MomentumInitial, "momentum-initial", cfg.MomentumInitial, "momentum during the first -momentum-epochs epochs")
	fs.IntVar(&cfg.MomentumEpochs, "momentum-epochs", cfg.MomentumEpochs, "epochs at -momentum-initial")
	fs.IntVar(&cfg.K, "k", cfg.K, "Gibbs steps per update (CD-k / PCD-k)")
	fs.BoolVar(&cfg.PCD, "pcd", cfg.PCD, "persistent contrastive divergence (-pcd=false for CD)")
	fs.IntVar(&cfg.Chains, "chains", cfg.Chains, "persistent chains (PCD)")
	fs.Float64Var(&cfg.WeightDecay, "weight-decay", cfg.WeightDecay, "L2 weight decay on W")
	fs.StringVar(&cfg.Sampler, "sampler", cfg.Sampler, "negative phase under PCD: pcd, fpcd (fast weights) or pt (parallel tempering); for rbm and grbm")
	fs.Float64Var(&cfg.FastDecay, "fast-decay", cfg.FastDecay, "fpcd: factor on the fast weights each update")
	fs.Float64Var(&cfg.FastLR, "fast-lr", cfg.FastLR, "fpcd: learning rate of the fast weights (0: the regular one)")
	fs.IntVar(&cfg.Temperatures, "temperatures", cfg.Temperatures, "pt: inverse temperatures, -chains chains at each")
	fs.Float64Var(&cfg.BetaMin, "beta-min", cfg.BetaMin, "pt: lowest inverse temperature")
	fs.StringVar(&cfg.TempSpacing, "temp-spacing", cfg.TempSpacing, "pt: linear or geometric spacing of the inverse temperatures")
	fs.Float64Var(&cfg.LogVarRate, "logvar-rate", cfg.LogVarRate, "grbm: learning rate of the log-variances, as a fraction of -lr")
	fs.Float64Var(&cfg.SparsityTarget, "sparsity-target", cfg.SparsityTarget, "target mean hidden activity (0: off)")
	fs.Float64Var(&cfg.SparsityCost, "sparsity-cost", cfg.SparsityCost, "weight of the sparsity penalty")
	fs.StringVar(&cfg.DType, "dtype", cfg.DType, "float32 or float64")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of every random choice")
	fs.StringVar(&cfg.Binarize, "binarize", cfg.Binarize, "none, threshold, stochastic (drawn once) or dynamic (drawn afresh every epoch)")
	fs.IntVar(&cfg.TrainLimit, "train-limit", cfg.TrainLimit, "use only the first N training images (0: all)")
	fs.IntVar(&cfg.Validation, "validation", cfg.Validation, "last N training images held out for validation")
	fs.StringVar(&cfg.Data, "data", cfg.Data, "the `dataset`: a directory of IDX files (MNIST's or EMNIST's names), a .npz (x_train, x_test, y_train, y_test), .npy or .csv file (default: $MNIST_DIR, else MNIST from the GoMNIST module)")
	fs.StringVar(&cfg.TestData, "test-data", cfg.TestData, "the test set, when -data has none: a .npy, .csv or .npz `file` or an IDX directory")
	fs.StringVar(&cfg.ImageShape, "image-shape", cfg.ImageShape, "`HxW` of one example as a picture (default: from the files, else square when the width is a square)")
	fs.StringVar(&cfg.CSVLabel, "csv-label", cfg.CSVLabel, "CSV `column` of the labels: auto (a header column named label), none, first, last or a header name")
	fs.StringVar(&cfg.Scale, "scale", cfg.Scale, "the `value` that means 1 in .npy, .npz and .csv data: auto ([0, 1] as is, bytes 0–255 ÷ 255), max (the training set's largest) or a number")
	fs.IntVar(&cfg.CheckpointEvery, "checkpoint-every", cfg.CheckpointEvery, "write a checkpoint every N epochs")
	fs.IntVar(&cfg.Keep, "keep", cfg.Keep, "keep the newest N checkpoints (0: all)")
	fs.StringVar(&cfg.Rule, "rule", cfg.Rule, "Hopfield learning rule: hebbian, storkey or pseudo-inverse")
	fs.IntVar(&cfg.Prototypes, "prototypes", cfg.Prototypes, "Hopfield: prototypes stored per class")
	fs.Var((*intList)(&cfg.Layers), "layers", "dbm: hidden layer sizes, bottom up (`500,1000`)")
	fs.IntVar(&cfg.PretrainEpochs, "pretrain-epochs", cfg.PretrainEpochs, "dbm: greedy pretraining epochs per hidden layer, before the -epochs of joint training")
	fs.Float64Var(&cfg.PretrainLR, "pretrain-lr", cfg.PretrainLR, "dbm: learning rate of the pretraining RBMs")
	fs.IntVar(&cfg.PretrainK, "pretrain-k", cfg.PretrainK, "dbm: Gibbs steps of the pretraining RBMs' CD (0 or 1: CD-1)")
	fs.BoolVar(&cfg.PretrainSample, "pretrain-sample", cfg.PretrainSample, "dbm: pretrain on binary states throughout (sampled reconstructions, sampled states carried up), as the reference code does")
	fs.Float64Var(&cfg.PretrainLRFinal, "pretrain-lr-final", cfg.PretrainLRFinal, "dbm: decay each layer's pretraining rate linearly to this (0: constant)")
	fs.Float64Var(&cfg.PretrainWeightDecay, "pretrain-weight-decay", cfg.PretrainWeightDecay, "dbm: L2 weight decay of the pretraining RBMs (-weight-decay applies to joint training)")
	fs.IntVar(&cfg.MeanFieldIters, "mean-field-iters", cfg.MeanFieldIters, "dbm: most mean-field rounds per minibatch")
	fs.Float64Var(&cfg.MeanFieldTol, "mean-field-tol", cfg.MeanFieldTol, "dbm: stop mean-field when no mean moves by more than this")
	return fs
}

// resumeFlags may be given with -resume; any other configuration flag
// would change what is computed and is refused.
var resumeFlags = map[string]bool{"resume": true, "resume-from": true, "out": true, "quiet": true, "data": true, "test-data": true, "checkpoint-every": true, "keep": true, "blas": true}

// flagsOutside lists the flags given on the command line that allowed lacks.
func flagsOutside(fs *flag.FlagSet, allowed map[string]bool) []string {
	var out []string
	fs.Visit(func(f *flag.Flag) {
		if !allowed[f.Name] {
			out = append(out, "-"+f.Name)
		}
	})
	return out
}

// sweepFlags may be given with -sweep.
var sweepFlags = map[string]bool{"sweep": true, "out": true, "quiet": true, "blas": true, "parallel": true, "shard": true, "num-shards": true, "dry-run": true}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, nil)
}

// runWith is run with a pause inside every checkpoint write (nil: none),
// the crash test's hook.
func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, checkpointPause func()) int {
	cfg, inv, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "train:", err)
		return 2
	}
	blasDesc, err := fastblas.Use(inv.blas)
	if err != nil {
		fmt.Fprintln(stderr, "train: -blas:", err)
		return 2
	}
	// Models that split their own work over the cores want OpenBLAS's
	// threads out of the way: they spin after every call and take the
	// cores from the goroutines.
	if cfg.OwnParallelism() && fastblas.SingleThreaded() {
		blasDesc += " (one thread a call: the model splits its work over the cores)"
	}
	if inv.sweep != "" {
		return runSweep(ctx, inv, stdout, stderr)
	}
	dir, err := mnist.ResolveDir(cfg.Data)
	if err != nil {
		fmt.Fprintln(stderr, "train:", err)
		return 1
	}
	data, err := cfg.LoadData(dir)
	if err != nil {
		fmt.Fprintln(stderr, "train:", err)
		return 1
	}
	opts := train.Options{Dir: inv.out, Resume: inv.resume, ResumeFrom: inv.resumeFrom, CheckpointPause: checkpointPause}
	if !inv.quiet {
		opts.Progress, opts.Log = stderr, stderr
		what := fmt.Sprintf("%s with %d hidden units", cfg.Model, cfg.Hidden)
		switch cfg.Model {
		case "hopfield":
			what = fmt.Sprintf("a Hopfield memory (%s rule, %d prototypes per class)", cfg.Rule, cfg.Prototypes)
		case "dbm":
			what = fmt.Sprintf("a DBM with hidden layers %v (%d pretraining epochs per layer, then %d joint)", cfg.Layers, cfg.PretrainEpochs, cfg.Epochs)
		}
		fmt.Fprintf(stderr, "training %s on %d images (%s) from %s into %s\nBLAS: %s\n",
			what, data.Train.Len(), cfg.Binarize, dir, inv.out, blasDesc)
	}
	res, err := kinds.Train(ctx, cfg, data, opts)
	if errors.Is(err, train.ErrInterrupted) {
		fmt.Fprintln(stderr, "train:", err)
		return 130
	}
	if err != nil {
		fmt.Fprintln(stderr, "train:", err)
		return 1
	}
	fmt.Fprintf(stdout, "done: %d epochs, %d updates; checkpoint %s\n", res.Progress.Epoch, res.Progress.Step, res.Checkpoint)
	return 0
}

// parseArgs resolves the configuration: defaults, then the -config file,
// then the flags given on the command line. With -resume the saved
// configuration replaces the first two.
func parseArgs(args []string, stderr io.Writer) (kinds.Config, invocation, error) {
	var inv invocation
	probe := kinds.Defaults()
	fs := newFlags(&probe, &inv, stderr)
	if err := fs.Parse(args); err != nil {
		return kinds.Config{}, inv, err
	}
	if fs.NArg() > 0 {
		return kinds.Config{}, inv, fmt.Errorf("unexpected argument %q: train takes flags only", fs.Arg(0))
	}
	cfg := kinds.Defaults()
	if inv.sweep != "" {
		if refused := flagsOutside(fs, sweepFlags); len(refused) > 0 {
			return cfg, inv, fmt.Errorf("%v with -sweep: a sweep takes its configurations from the spec's base and fields", refused)
		}
		return cfg, inv, nil
	}
	if inv.parallel != 1 || inv.shard != -1 || inv.numShards != 0 || inv.dryRun {
		return cfg, inv, errors.New("-parallel, -shard, -num-shards and -dry-run belong to -sweep")
	}
	if inv.resume || inv.resumeFrom != "" {
		if inv.configPath != "" {
			return cfg, inv, errors.New("-config and -resume: a resumed run keeps its saved configuration")
		}
		if refused := flagsOutside(fs, resumeFlags); len(refused) > 0 {
			return cfg, inv, fmt.Errorf("%v cannot change a resumed run (an exact resume needs its saved settings)", refused)
		}
		saved, err := kinds.ResumeConfig(inv.out, inv.resumeFrom)
		if err != nil {
			return cfg, inv, err
		}
		cfg = saved
	} else if inv.configPath != "" {
		if err := kinds.LoadConfigFile(inv.configPath, &cfg); err != nil {
			return cfg, inv, err
		}
	}
	// Parse again onto cfg: only flags given on the command line change it.
	if err := newFlags(&cfg, &inv, io.Discard).Parse(args); err != nil {
		return cfg, inv, err
	}
	if err := cfg.Validate(); err != nil {
		return cfg, inv, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return cfg, inv, nil
}

// intList is a flag of comma-separated positive integers.
type intList []int

func (l *intList) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(*l))
	for i, n := range *l {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func (l *intList) Set(s string) error {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return fmt.Errorf("%q: want comma-separated positive integers such as 500,1000", s)
		}
		out = append(out, n)
	}
	*l = out
	return nil
}
