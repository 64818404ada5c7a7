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
	return Run(ctx, kinds.Builtin(), args, stdout, stderr)
}

// Run is Main for the kinds of a table of one's own (kinds.NewTable): its
// flags, help and kinds are the table's.
func Run(ctx context.Context, table *kinds.Table, args []string, stdout, stderr io.Writer) int {
	return run(ctx, table, args, stdout, stderr)
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
// The configuration's flags come from its fields' tags (kinds.Config.Flags);
// commit, called after parsing, stores what they set of the kinds' own
// options.
func newFlags(cfg *kinds.Config, inv *invocation, stderr io.Writer) (fs *flag.FlagSet, commit func(), err error) {
	fs = flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
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
	fields, commit, err := cfg.Flags(fs)
	if err != nil {
		return nil, nil, err
	}
	fields = append(fields, invocationFields...)
	groups := cfg.Table().FlagGroups(fields, "model", "optimisation", "negative phase", "data", "run", "sweep")
	fs.Usage = func() {
		fmt.Fprint(stderr, trainUsage)
		cli.PrintGroups(stderr, fs, groups)
		fmt.Fprint(stderr, trainUsageEnd)
	}
	return fs, commit, nil
}

// invocationFields are the help groups of the flags that are not part of
// the saved configuration.
var invocationFields = []cli.Field{
	{Name: "out", Group: "run"}, {Name: "config", Group: "run"}, {Name: "resume", Group: "run"},
	{Name: "resume-from", Group: "run"}, {Name: "quiet", Group: "run"}, {Name: "blas", Group: "run"},
	{Name: "version", Group: "run"},
	{Name: "sweep", Group: "sweep"}, {Name: "parallel", Group: "sweep"}, {Name: "shard", Group: "sweep"},
	{Name: "num-shards", Group: "sweep"}, {Name: "dry-run", Group: "sweep"},
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
Every flag, config field and file is described in docs/commands.md:
https://github.com/boltzmann-go/boltzmann/blob/main/docs/commands.md
`

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

func run(ctx context.Context, table *kinds.Table, args []string, stdout, stderr io.Writer) int {
	cfg, inv, warnings, err := parseArgs(table, args, stderr)
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
	if !inv.resume && inv.resumeFrom == "" {
		if err := train.CheckNewRunDir(inv.out); err != nil {
			fmt.Fprintln(stderr, "train:", cli.Message("train", err))
			return 1
		}
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
		what := cfg.Model
		if k, err := cfg.Kind(); err == nil && k.Describe != nil {
			what = k.Describe(cfg)
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
func parseArgs(table *kinds.Table, args []string, stderr io.Writer) (kinds.Config, invocation, []string, error) {
	var inv invocation
	probe := table.Defaults()
	fs, commit, err := newFlags(&probe, &inv, stderr)
	if err != nil {
		return kinds.Config{}, inv, nil, err
	}
	positional, err := cli.Parse(fs, args, "train")
	commit()
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
	}
	if err != nil {
		return kinds.Config{}, inv, nil, err
	}
	if len(positional) > 0 {
		return kinds.Config{}, inv, nil, &cli.UsageError{Msg: fmt.Sprintf("unexpected argument %q: train takes flags only (run 'train -h' for them)", positional[0])}
	}
	cfg := table.Defaults()
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
		saved, err := table.ResumeConfig(inv.out, inv.resumeFrom)
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
	fs, commit, err = newFlags(&cfg, &inv, io.Discard)
	if err != nil {
		return cfg, inv, nil, err
	}
	if _, err := cli.Parse(fs, args, "train"); err != nil {
		return cfg, inv, nil, err
	}
	commit()
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
		for _, f := range table.IgnoredFields(k) {
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
// configuration: those of invocationFields.
var invocationFlags = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range invocationFields {
		m[f.Name] = true
	}
	return m
}()

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
