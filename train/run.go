package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"

	"gorgonia.org/tensor"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
)

// MetricsFile is the per-epoch log in the run directory, one JSON object a line.
const MetricsFile = "metrics.jsonl"

// ErrInterrupted is returned when the context is cancelled (SIGINT or
// SIGTERM in the commands): the current batch finished and a checkpoint was
// written.
var ErrInterrupted = errors.New("train: interrupted; a checkpoint was written, resume with -resume")

// Streams of the PCG generators, so that each use of the seed draws its own
// numbers.
const (
	streamSampler  = 0x73616d706c657221 // "sampler!"
	streamEvaluate = 0x6576616c75617465 // "evaluate"
	rngTensorName  = "rng.pcg"
)

// Options are the parts of a run that are not the loop's configuration.
type Options struct {
	// Dir is the run directory: metrics.jsonl and checkpoints/ go there.
	Dir string
	// Resume continues the run in Dir from its latest checkpoint, or from
	// the one ResumeFrom names (a name under Dir/checkpoints or a path);
	// the configuration must be the one saved there.
	Resume     bool
	ResumeFrom string
	// Kind names the model kind in each checkpoint (its loader's key).
	Kind string
	// Saved is the whole configuration of the run, saved as JSON in each
	// checkpoint's config.json (nil: the loop's Config). A resumed run
	// must give the one saved, field for field, but for the fields named
	// in MayChange and checkpoint_every and keep, which do not change
	// what is computed.
	Saved     any
	MayChange []string
	// Progress receives the progress bars; nil shows none.
	Progress io.Writer
	// Log receives a line per epoch and per checkpoint; nil for silence.
	Log io.Writer
	// AfterStep, when set, is called after every update with the progress
	// so far (for monitoring, and for tests that interrupt a run at an exact
	// step).
	AfterStep func(checkpoint.Progress)
}

// Result summarises a finished (or interrupted) run.
type Result struct {
	Checkpoint string              // the last checkpoint written
	Progress   checkpoint.Progress // how far training went
	Metrics    Metrics             // of the last epoch, if one finished in this call
}

// Epochs is the number of epochs a run takes: the sum of its stages'
// epochs when it has stages (a Staged learner's), else cfg.Epochs.
func Epochs(cfg Config, stages []Stage) int {
	return newPlan(cfg, stages).epochs()
}

func stagesOf(cfg Config, l Learner) []Stage {
	if s, ok := l.(Staged); ok {
		return s.Stages(cfg.Epochs)
	}
	return nil
}

// SamplerStream is the run's sampler generator: it initialises a fresh
// learner and then drives its steps (the stream a checkpoint saves).
func SamplerStream(seed uint64) *rand.PCG { return rand.NewPCG(seed, streamSampler) }

type runner struct {
	cfg       Config
	plan      plan
	savedJSON json.RawMessage
	opts      Options
	learner   Learner
	pcg       *rand.PCG
	rng       *rand.Rand
	prog      checkpoint.Progress
	batches   *data.Batches
	redraw    data.Redrawn
	drawn     *tensor.Dense // the minibatch drawn afresh, under a Redrawn set
	valid     *tensor.Dense
	trainEval *tensor.Dense
	lastCkpt  string
}

// Run trains the learner that build makes on set's training examples, in
// opts.Dir, as cfg says. It returns ErrInterrupted (wrapped) when ctx is
// cancelled, after writing a checkpoint.
func Run(ctx context.Context, cfg Config, build Builder, set data.Set, opts Options) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if opts.Kind == "" {
		return nil, errors.New("train: Options.Kind is empty: name the model kind, for the checkpoints")
	}
	saved := opts.Saved
	if saved == nil {
		saved = cfg
	}
	cj, err := json.Marshal(saved)
	if err != nil {
		return nil, err
	}
	// One writer per run directory, for the whole run; a fresh run only
	// where none is.
	resume := opts.Resume || opts.ResumeFrom != ""
	release, err := lockRun(opts.Dir, !resume)
	if err != nil {
		return nil, err
	}
	defer release()
	r := &runner{cfg: cfg, savedJSON: cj, opts: opts}
	r.pcg = SamplerStream(cfg.Seed)
	r.rng = rand.New(r.pcg)
	train := set.Part(data.Training).X
	if train == nil || len(train.Shape()) != 2 || train.Shape()[0] == 0 {
		return nil, errors.New("train: the data set has no training examples")
	}
	source := train
	if rd, ok := set.(data.Redrawn); ok && rd.Source() != nil {
		r.redraw, source = rd, rd.Source()
		r.drawn = tensor.New(tensor.WithShape(cfg.Batch, source.Shape()[1]), tensor.Of(source.Dtype()))
	}
	if r.batches, err = data.NewBatches(source, cfg.Batch); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	valid := set.Part(data.Validation)
	r.valid = valid.X
	nEval := valid.Len()
	if nEval == 0 { // training on every example: score as many as a default validation set holds
		nEval = defaultScored
	}
	r.trainEval = data.RowRange(train, 0, min(nEval, train.Shape()[0]))
	visible := train.Shape()[1]
	if resume {
		err = r.restore(build, visible)
	} else {
		err = r.start(build, visible, train)
	}
	if err != nil {
		return nil, err
	}
	r.plan = newPlan(cfg, stagesOf(cfg, r.learner))
	if all := r.plan.epochs(); r.prog.Epoch > all || r.prog.Epoch == all && r.prog.Batch > 0 {
		return nil, fmt.Errorf("train: checkpoint %s is past the configured %d epochs", r.lastCkpt, all)
	}
	return r.loop(ctx)
}

// DivergedFile is the file a run that stopped on a NaN or an infinity
// leaves in its directory, holding the error.
const DivergedFile = "diverged.txt"

// defaultScored is how many training examples the epoch's scores cover
// when the run holds out no validation examples (MNIST's validation size).
const defaultScored = 10000

func (r *runner) start(build Builder, visible int, train *tensor.Dense) error {
	if err := os.MkdirAll(r.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	var err error
	if r.learner, err = build(visible, train, r.rng); err != nil {
		return err
	}
	return truncateMetrics(r.opts.Dir, 0)
}

func (r *runner) logf(format string, args ...any) {
	if r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, format, args...)
	}
}
