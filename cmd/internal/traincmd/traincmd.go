// Package traincmd is the train command (`boltzmann train`, and the train
// binary): it trains an energy-based model on MNIST or a dataset of one's
// own and writes metrics, checkpoints and a final model to a run directory.
//
//	boltzmann train                                  # 500-unit RBM, PCD-1, defaults
//	boltzmann train -epochs 1 -train-limit 2000 -hidden 50 -out /tmp/x
//	boltzmann train -config run.yaml -lr 0.05        # flags override the file
//	boltzmann train -resume -out runs/rbm            # continue after a stop
//	boltzmann train -sweep spec.yaml -out runs/sweep -parallel 2   # a hyperparameter sweep
//	boltzmann train -sweep spec.yaml -out /shared/s -num-shards 8  # one shard (index from the environment)
//
// SIGINT or SIGTERM finishes the current batch, writes a checkpoint and
// exits with status 130.
package traincmd

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/internal/cli"
	"github.com/boltzmann-go/boltzmann/internal/fastblas"
	"github.com/boltzmann-go/boltzmann/internal/version"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

// Main runs the train command with its arguments (without the command's
// name) until it finishes or ctx is cancelled (which writes a checkpoint),
// and returns its exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return run(ctx, args, stdout, stderr)
}

// invocation holds the flags that are not part of the saved configuration.
type invocation struct {
	configPath string
	out        string
	resume     bool
	resumeFrom string
	quiet      bool
	blas       string
	version    bool

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
		fmt.Fprint(stderr, trainUsage)
		cli.PrintGroups(stderr, fs, trainGroups)
		fmt.Fprint(stderr, trainUsageEnd)
	}
	fs.BoolVar(&inv.version, "version", false, "print the version and exit")
	fs.StringVar(&inv.configPath, "config", "", "YAML or JSON config `file`; unknown fields are errors")
	fs.StringVar(&inv.out, "out", "runs/rbm", "run `directory` for metrics and checkpoints")
	fs.BoolVar(&inv.resume, "resume", false, "continue the run in -out from its latest checkpoint")
	fs.StringVar(&inv.resumeFrom, "resume-from", "", "continue the run in -out from this `checkpoint` (a name under -out/checkpoints, or a path) rather than the latest")
	fs.BoolVar(&inv.quiet, "quiet", false, "no progress bars or per-epoch lines")
	fs.StringVar(&inv.blas, "blas", fastblas.Auto, fastblas.Usage)
	fs.StringVar(&inv.sweep, "sweep", "", "run the trials of a sweep spec `file` into -out (see experiments/sweeps)")
	fs.IntVar(&inv.parallel, "parallel", 1, "trials trained at once")
	fs.IntVar(&inv.shard, "shard", -1, "run trial indices ≡ shard mod -num-shards (default: JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, else 0)")
	fs.IntVar(&inv.numShards, "num-shards", 0, "number of shards (default: SLURM_ARRAY_TASK_COUNT, else 1)")
	fs.BoolVar(&inv.dryRun, "dry-run", false, "list the trials and this shard's share, train nothing")

	fs.StringVar(&cfg.Model, "model", cfg.Model, "model kind: rbm, grbm (Gaussian visible units; implies -binarize none -dtype float64), dbm (deep Boltzmann machine: -layers), hopfield, or bm (general Boltzmann machine; implies -dtype float64)")
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
	fs.Float64Var(&cfg.FastDecay, "fast-decay", cfg.FastDecay, "factor on the fast weights each update")
	fs.Float64Var(&cfg.FastLR, "fast-lr", cfg.FastLR, "learning rate of the fast weights (0: the regular one)")
	fs.IntVar(&cfg.Temperatures, "temperatures", cfg.Temperatures, "inverse temperatures, -chains chains at each")
	fs.Float64Var(&cfg.BetaMin, "beta-min", cfg.BetaMin, "lowest inverse temperature")
	fs.StringVar(&cfg.TempSpacing, "temp-spacing", cfg.TempSpacing, "linear or geometric spacing of the inverse temperatures")
	fs.Float64Var(&cfg.LogVarRate, "logvar-rate", cfg.LogVarRate, "learning rate of the log-variances, as a fraction of -lr")
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
	fs.IntVar(&cfg.Prototypes, "prototypes", cfg.Prototypes, "prototypes stored per class")
	fs.Var((*intList)(&cfg.Layers), "layers", "hidden layer sizes, bottom up (`500,1000`)")
	fs.IntVar(&cfg.PretrainEpochs, "pretrain-epochs", cfg.PretrainEpochs, "greedy pretraining epochs per hidden layer, before the -epochs of joint training")
	fs.Float64Var(&cfg.PretrainLR, "pretrain-lr", cfg.PretrainLR, "learning rate of the pretraining RBMs")
	fs.IntVar(&cfg.PretrainK, "pretrain-k", cfg.PretrainK, "Gibbs steps of the pretraining RBMs' CD (0 or 1: CD-1)")
	fs.BoolVar(&cfg.PretrainSample, "pretrain-sample", cfg.PretrainSample, "pretrain on binary states throughout (sampled reconstructions, sampled states carried up), as the reference code does")
	fs.Float64Var(&cfg.PretrainLRFinal, "pretrain-lr-final", cfg.PretrainLRFinal, "decay each layer's pretraining rate linearly to this (0: constant)")
	fs.Float64Var(&cfg.PretrainWeightDecay, "pretrain-weight-decay", cfg.PretrainWeightDecay, "L2 weight decay of the pretraining RBMs (-weight-decay applies to joint training)")
	fs.IntVar(&cfg.MeanFieldIters, "mean-field-iters", cfg.MeanFieldIters, "most mean-field rounds per minibatch")
	fs.StringVar(&cfg.Connectivity, "connectivity", cfg.Connectivity, "which units are coupled: full, rbm (visible–hidden), semi (and visible–visible), vh+hh (and hidden–hidden), or a .npy `mask` [N, N]")
	fs.StringVar(&cfg.BMRule, "bm-rule", cfg.BMRule, "learning rule: 1985 (both phases by simulated annealing), modern (mean-field clamped phase, persistent chains) or meanfield (deterministic)")
	fs.StringVar(&cfg.Anneal, "anneal", cfg.Anneal, "annealing `schedule` T:sweeps,… of the 1985 rule's phases (mean-field learning: temperatures and rounds)")
	fs.IntVar(&cfg.StatSweeps, "stat-sweeps", cfg.StatSweeps, "1985 rule: sweeps at the last temperature that collect the statistics")
	fs.IntVar(&cfg.FreeRuns, "free-runs", cfg.FreeRuns, "1985 rule: annealed free runs an update (0: one a pattern)")
	fs.BoolVar(&cfg.EveryUpdate, "every-update", cfg.EveryUpdate, "1985 rule: count the state after every single-unit update of the statistics sweeps, not once a sweep")
	fs.IntVar(&cfg.BMMeanFieldIters, "bm-mean-field-iters", cfg.BMMeanFieldIters, "modern rule: clamped mean-field rounds")
	fs.BoolVar(&cfg.FixedOrder, "fixed-order", cfg.FixedOrder, "update units in a fixed order rather than a fresh random one each sweep")
	fs.Float64Var(&cfg.InitScale, "init-scale", cfg.InitScale, "standard deviation of the initial couplings")
	fs.Float64Var(&cfg.MeanFieldTol, "mean-field-tol", cfg.MeanFieldTol, "stop mean-field when no mean moves by more than this")
	return fs
}

const trainUsage = `usage: boltzmann train [flags]     (or: train [flags])

Trains a model and writes metrics.jsonl and checkpoints/ to -out. A -config
file (YAML or JSON) sets the same fields, named with underscores
(weight_decay); flags given on the command line override it.

examples:
  boltzmann train                                   # a 500-unit RBM on MNIST, PCD-1, ten minutes
  boltzmann train -config experiments/dbm-mnist/dbm.yaml -out runs/dbm   # the DBM of the README
  boltzmann train -resume -out runs/rbm -epochs 80  # continue a run, and extend it to 80 epochs
`

const trainUsageEnd = `
exit status: 0 done, 1 failed while running, 2 bad command line or configuration,
130 interrupted (a checkpoint was written: add -resume to go on).
Every flag, config field and file is described in the README:
https://github.com/boltzmann-go/boltzmann#readme
`

// trainGroups orders train's flags for -h.
var trainGroups = []cli.Group{
	{Title: "model", Flags: []string{"model", "hidden", "layers", "dtype", "seed"}},
	{Title: "optimisation", Flags: []string{"epochs", "batch", "lr", "lr-schedule", "lr-final", "lr-decay", "lr-floor", "momentum", "momentum-initial", "momentum-epochs", "weight-decay", "sparsity-target", "sparsity-cost"}},
	{Title: "negative phase", Flags: []string{"k", "pcd", "chains", "sampler", "fast-decay", "fast-lr", "temperatures", "beta-min", "temp-spacing"}},
	{Title: "data", Flags: []string{"data", "test-data", "image-shape", "csv-label", "scale", "binarize", "validation", "train-limit"}},
	{Title: "run", Flags: []string{"out", "config", "resume", "resume-from", "checkpoint-every", "keep", "quiet", "blas", "version"}},
	{Title: "sweep", Flags: []string{"sweep", "parallel", "shard", "num-shards", "dry-run"}},
	{Title: "grbm", Flags: []string{"logvar-rate"}},
	{Title: "dbm", Flags: []string{"pretrain-epochs", "pretrain-lr", "pretrain-k", "pretrain-sample", "pretrain-lr-final", "pretrain-weight-decay", "mean-field-iters", "mean-field-tol"}},
	{Title: "hopfield", Flags: []string{"rule", "prototypes"}},
	{Title: "bm (general Boltzmann machine)", Flags: []string{"connectivity", "bm-rule", "anneal", "stat-sweeps", "free-runs", "every-update", "bm-mean-field-iters", "fixed-order", "init-scale"}},
}

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
	cfg, inv, warnings, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var usage *cli.UsageError
	if errors.As(err, &usage) {
		fmt.Fprintln(stderr, "train:", usage.Msg)
		return 2
	}
	if err != nil {
		fmt.Fprintln(stderr, "train:", cli.Message("train", err))
		return 1
	}
	if inv.version {
		fmt.Fprintln(stdout, "boltzmann", version.String())
		return 0
	}
	for _, w := range warnings {
		fmt.Fprintln(stderr, "train: warning:", w)
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
		fmt.Fprintln(stderr, "train:", cli.Message("train", err))
		return 1
	}
	data, err := cfg.LoadData(dir)
	if err != nil {
		fmt.Fprintln(stderr, "train:", cli.Message("train", err))
		return 1
	}
	opts := train.Options{Dir: inv.out, Resume: inv.resume, ResumeFrom: inv.resumeFrom}
	if !inv.quiet {
		opts.Log = stderr
		if cli.IsTerminal(stderr) {
			opts.Progress = stderr // on a terminal; a log file gets the epochs' lines alone
		}
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
		fmt.Fprintln(stderr, "train:", cli.Message("train", err))
		return 130
	}
	if err != nil {
		fmt.Fprintln(stderr, "train:", cli.Message("train", err))
		return 1
	}
	fmt.Fprintf(stdout, "done: %d epochs, %d updates; checkpoint %s\n", res.Progress.Epoch, res.Progress.Step, res.Checkpoint)
	return 0
}

// parseArgs resolves the configuration: defaults, then the -config file,
// then the flags given on the command line, then the kind's own defaults
// for what neither set. With -resume the saved configuration replaces the
// first two, and a flag may only repeat a saved value (or change what a
// resume may change: where the data are read from, how often it
// checkpoints, and the number of epochs). Warnings name the fields the
// kind ignores.
func parseArgs(args []string, stderr io.Writer) (kinds.Config, invocation, []string, error) {
	var inv invocation
	probe := kinds.Defaults()
	fs := newFlags(&probe, &inv, stderr)
	positional, err := cli.Parse(fs, args, "train")
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
	}
	if err != nil {
		return kinds.Config{}, inv, nil, err
	}
	if len(positional) > 0 {
		return kinds.Config{}, inv, nil, &cli.UsageError{Msg: fmt.Sprintf("unexpected argument %q: train takes flags only (run 'train -h' for them)", positional[0])}
	}
	cfg := kinds.Defaults()
	if inv.version {
		return cfg, inv, nil, nil
	}
	if inv.sweep != "" {
		if refused := flagsOutside(fs, sweepFlags); len(refused) > 0 {
			return cfg, inv, nil, usagef("%v with -sweep: a sweep takes its configurations from the spec's base and fields", refused)
		}
		return cfg, inv, nil, nil
	}
	if inv.parallel != 1 || inv.shard != -1 || inv.numShards != 0 || inv.dryRun {
		return cfg, inv, nil, usagef("-parallel, -shard, -num-shards and -dry-run belong to -sweep")
	}
	flagFields := map[string]string{} // config field → the flag that set it
	fs.Visit(func(f *flag.Flag) {
		if !invocationFlags[f.Name] {
			flagFields[strings.ReplaceAll(f.Name, "-", "_")] = "-" + f.Name
		}
	})
	fileFields := map[string]bool{}
	if inv.resume || inv.resumeFrom != "" {
		if inv.configPath != "" {
			return cfg, inv, nil, usagef("-config and -resume: a resumed run keeps its saved configuration")
		}
		saved, err := kinds.ResumeConfig(inv.out, inv.resumeFrom)
		if err != nil {
			return cfg, inv, nil, err
		}
		cfg = saved
	} else if inv.configPath != "" {
		var err error
		if fileFields, err = kinds.LoadConfigFileFields(inv.configPath, &cfg); err != nil {
			return cfg, inv, nil, err
		}
	}
	saved := cfg
	// Parse again onto cfg: only flags given on the command line change it.
	if _, err := cli.Parse(newFlags(&cfg, &inv, io.Discard), args, "train"); err != nil {
		return cfg, inv, nil, err
	}
	if inv.resume || inv.resumeFrom != "" {
		if err := resumeChanges(saved, cfg, flagFields); err != nil {
			return cfg, inv, nil, err
		}
	} else if k, err := cfg.Kind(); err == nil && k.Defaults != nil {
		k.Defaults(&cfg, func(field string) bool { return flagFields[field] != "" || fileFields[field] })
	}
	var warnings []string
	if k, err := cfg.Kind(); err == nil && !inv.resume && inv.resumeFrom == "" {
		var ignored []string
		for _, f := range k.IgnoredFields() {
			if flag := flagFields[f]; flag != "" {
				ignored = append(ignored, flag)
			} else if fileFields[f] {
				ignored = append(ignored, f+" (in "+inv.configPath+")")
			}
		}
		if len(ignored) > 0 {
			slices.Sort(ignored)
			warnings = append(warnings, fmt.Sprintf("-model %s does not read %s: ignored", cfg.Model, strings.Join(ignored, ", ")))
		}
	}
	if err := cfg.Validate(); err != nil {
		return cfg, inv, nil, &cli.UsageError{Msg: "invalid configuration:\n" + nameFlags(err, flagFields, inv.configPath)}
	}
	return cfg, inv, warnings, nil
}

func usagef(format string, args ...any) error {
	return &cli.UsageError{Msg: fmt.Sprintf(format, args...)}
}

// invocationFlags are the flags that are not part of the saved
// configuration.
var invocationFlags = map[string]bool{"config": true, "out": true, "resume": true, "resume-from": true, "quiet": true, "blas": true,
	"sweep": true, "parallel": true, "shard": true, "num-shards": true, "dry-run": true, "version": true}

// resumeMayChange are the fields a resumed run may change: where its data
// are read from (the content is checked against the checkpoint), how
// often it checkpoints and how many it keeps, and how many epochs it has.
var resumeMayChange = map[string]bool{"data": true, "test_data": true, "checkpoint_every": true, "keep": true, "epochs": true}

// resumeChanges refuses a flag that changes a resumed run's saved
// configuration, naming the flag, the saved value and the given one.
func resumeChanges(saved, cfg kinds.Config, flagFields map[string]string) error {
	a, err := json.Marshal(saved)
	if err != nil {
		return err
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return err
	}
	changes, err := train.ConfigChanges(a, b, slices.Collect(maps.Keys(resumeMayChange)))
	if err != nil {
		return err
	}
	var refused []string
	for _, c := range changes {
		flag := flagFields[c.Field]
		if flag == "" { // only flags change a resumed configuration; name the field's flag anyway
			flag = kinds.FlagName(c.Field)
		}
		refused = append(refused, fmt.Sprintf("%s: the run was saved with %s, given %s", flag, show(c.Saved), show(c.Given)))
	}
	if len(refused) == 0 {
		return nil
	}
	slices.Sort(refused)
	return usagef("an exact resume needs the saved settings (a flag that repeats one is fine):\n  %s", strings.Join(refused, "\n  "))
}

func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "(unset)"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = fmt.Sprint(e)
		}
		return strings.Join(parts, ",")
	case string:
		if x == "" {
			return `""`
		}
	}
	return fmt.Sprint(v)
}

// nameFlags rewrites the "field: what is wrong" lines of a validation
// error to name what the user typed: the flag, or the field and its file.
func nameFlags(err error, flagFields map[string]string, configPath string) string {
	lines := strings.Split(err.Error(), "\n")
	for i, l := range lines {
		field, rest, ok := strings.Cut(l, ": ")
		if !ok {
			continue
		}
		switch {
		case flagFields[field] != "":
			lines[i] = flagFields[field] + ": " + rest
		case configPath != "":
			lines[i] = field + " (in " + configPath + "): " + rest
		}
	}
	return "  " + strings.Join(lines, "\n  ")
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
