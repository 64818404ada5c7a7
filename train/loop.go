package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"gorgonia.org/tensor"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
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
	// CheckpointPause, when set, is called inside every checkpoint write
	// (checkpoint.SaveOptions.Pause): a test-only hook for crash tests.
	CheckpointPause func()
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

// BeginCheckpoint tells a staged learner restored from a checkpoint with
// that progress which epoch it is in (the epoch the checkpoint is in, or
// the last one it ended).
func BeginCheckpoint(l Learner, p checkpoint.Progress) {
	if s, ok := l.(Staged); ok {
		epoch := p.Epoch
		if p.Batch == 0 {
			epoch = max(epoch-1, 0)
		}
		s.BeginEpoch(epoch)
	}
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
	// One writer per run directory, for the whole run.
	release, err := checkpoint.LockRun(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
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
	if opts.Resume || opts.ResumeFrom != "" {
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
	if checkpoint.HasRun(r.opts.Dir) {
		return fmt.Errorf("train: %s already holds a run: pass -resume to continue it, or choose another -out", r.opts.Dir)
	}
	if err := os.MkdirAll(r.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	var err error
	if r.learner, err = build(visible, train, r.rng); err != nil {
		return err
	}
	return truncateMetrics(r.opts.Dir, 0)
}

func (r *runner) restore(build Builder, visible int) error {
	ck, dir, err := checkpoint.LoadFrom(r.opts.Dir, r.opts.ResumeFrom)
	if err != nil {
		return err
	}
	if ck.Kind != r.opts.Kind {
		return fmt.Errorf("train: %s holds a %s model, not %s", dir, ck.Kind, r.opts.Kind)
	}
	if ck.ModelOnly {
		return fmt.Errorf("train: %s is a model-only export (no %s): it can be evaluated and loaded, not resumed", dir, checkpoint.TrainerFile)
	}
	diff, err := diffConfig(ck.Config, r.savedJSON, append([]string{"checkpoint_every", "keep", "epochs"}, r.opts.MayChange...))
	if err != nil {
		return fmt.Errorf("train: %s: %w", dir, err)
	}
	if diff != "" {
		return fmt.Errorf("train: resuming %s with a configuration that differs from the saved one (%s): an exact resume needs the same settings", dir, diff)
	}
	if r.learner, err = build(visible, nil, r.rng); err != nil {
		return err
	}
	if err := checkpoint.Assign(r.learner.Params(), ck.Model, dir+": model"); err != nil {
		return err
	}
	rngT, err := r.rngTensor()
	if err != nil {
		return err
	}
	if err := checkpoint.Assign(append(r.learner.State(), rngT), ck.State, dir+": trainer state"); err != nil {
		return err
	}
	if err := r.pcg.UnmarshalBinary(rngT.T.Data().([]uint8)); err != nil {
		return fmt.Errorf("%s: random source state: %w", dir, err)
	}
	r.prog, r.lastCkpt = ck.Progress, dir
	var saved struct {
		Epochs int `json:"epochs"`
	}
	if json.Unmarshal(ck.Config, &saved) == nil && saved.Epochs != r.cfg.Epochs {
		r.logf("the run had %d epochs and now has %d: constant and exponential learning rates and momentum go on as in a run started with %d; a linear schedule is recomputed to reach its final rate at the new end, so the rate changes at the resume\n",
			saved.Epochs, r.cfg.Epochs, r.cfg.Epochs)
	}
	// Metrics of epochs after the checkpoint are about to be recomputed.
	return truncateMetrics(r.opts.Dir, r.prog.Epoch)
}

// FieldChange is a field whose value differs between two configurations,
// with its two values as decoded from JSON (nil where a side lacks it).
type FieldChange struct {
	Field        string
	Saved, Given any
}

// ConfigChanges lists, sorted by field, where two configurations saved as
// JSON objects differ, but for the fields in ignore; a field that one lacks
// counts as its zero value (so that a field added since reads as unset).
func ConfigChanges(saved, given []byte, ignore []string) ([]FieldChange, error) {
	var am, bm map[string]any
	if err := json.Unmarshal(saved, &am); err != nil {
		return nil, fmt.Errorf("saved config: %w", err)
	}
	if err := json.Unmarshal(given, &bm); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	for _, k := range ignore {
		delete(am, k)
		delete(bm, k)
	}
	keys := map[string]bool{}
	for k := range am {
		keys[k] = true
	}
	for k := range bm {
		keys[k] = true
	}
	var out []FieldChange
	for k := range keys {
		av, bv := am[k], bm[k]
		if fmt.Sprint(av) != fmt.Sprint(bv) && !(isZero(av) && isZero(bv)) {
			out = append(out, FieldChange{Field: k, Saved: av, Given: bv})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, nil
}

// diffConfig names the fields where two configurations differ
// (ConfigChanges), "field: saved X, given Y", joined by semicolons.
func diffConfig(a, b []byte, ignore []string) (string, error) {
	changes, err := ConfigChanges(a, b, ignore)
	if err != nil {
		return "", err
	}
	diffs := make([]string, len(changes))
	for i, c := range changes {
		diffs[i] = fmt.Sprintf("%s: saved %v, given %v", c.Field, show(c.Saved), show(c.Given))
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; "), nil
}

func isZero(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case bool:
		return !x
	case float64:
		return x == 0
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	}
	return false
}

func show(v any) any {
	if v == nil {
		return "(unset)"
	}
	return v
}

func (r *runner) rngTensor() (checkpoint.Tensor, error) {
	b, err := r.pcg.MarshalBinary()
	if err != nil {
		return checkpoint.Tensor{}, err
	}
	return checkpoint.Tensor{Name: rngTensorName, T: tensor.New(tensor.WithShape(len(b)), tensor.WithBacking(b))}, nil
}

func (r *runner) save() error {
	rngT, err := r.rngTensor()
	if err != nil {
		return err
	}
	dir, err := checkpoint.SaveOptions{Keep: r.cfg.Keep, Pause: r.opts.CheckpointPause}.Save(r.opts.Dir, &checkpoint.Checkpoint{
		Kind:     r.opts.Kind,
		Config:   r.savedJSON,
		Progress: r.prog,
		Model:    r.learner.Params(),
		State:    append(r.learner.State(), rngT),
	})
	if err != nil {
		return err
	}
	r.lastCkpt = dir
	r.logf("checkpoint %s\n", dir)
	return nil
}

func (r *runner) logf(format string, args ...any) {
	if r.opts.Log != nil {
		fmt.Fprintf(r.opts.Log, format, args...)
	}
}

func (r *runner) loop(ctx context.Context) (*Result, error) {
	nb := r.batches.Len()
	epochs := r.plan.epochs()
	res := &Result{}
	var spent time.Duration
	epochsRun := 0
	for epoch := r.prog.Epoch; epoch < epochs; epoch++ {
		if s, ok := r.learner.(Staged); ok {
			s.BeginEpoch(epoch)
		}
		r.batches.Shuffle(r.cfg.Seed, epoch)
		start := time.Now()
		desc := fmt.Sprintf("epoch %d/%d", epoch+1, epochs)
		stage, _ := r.plan.stage(epoch)
		if stage.Name != "" {
			desc += ", " + stage.Name
		}
		if epochsRun > 0 {
			left := spent / time.Duration(epochsRun) * time.Duration(epochs-epoch)
			desc += fmt.Sprintf(" (last: %s; run ends in %s)", scoreLine(res.Metrics, true), left.Round(time.Second))
		}
		bar := r.newBar(nb, desc)
		_ = bar.Set(r.prog.Batch)
		lr, mom := 0.0, r.plan.momentum(epoch)
		params := r.learner.Params() // once an epoch, so that the check after each step allocates nothing
		for b := r.prog.Batch; b < nb; b++ {
			lr = r.plan.rate(r.prog.Step, nb, epoch)
			x := r.batches.Batch(b)
			if r.redraw != nil {
				if err := r.redraw.Draw(r.drawn, x, r.cfg.Seed, epoch, b); err != nil {
					_ = bar.Exit()
					return nil, err
				}
				x = r.drawn
			}
			if err := r.learner.Step(x, lr, mom, r.rng); err != nil {
				_ = bar.Exit()
				return nil, fmt.Errorf("train: epoch %d, batch %d: %w", epoch+1, b+1, err)
			}
			r.prog.Step++
			r.prog.Batch = b + 1
			if err := checkFinite(params); err != nil {
				_ = bar.Exit()
				err = fmt.Errorf("train: diverged at epoch %d, batch %d (step %d): %v; the last good checkpoint is %s; try a smaller -lr",
					epoch+1, b+1, r.prog.Step, err, orNone(r.lastCkpt))
				// The run directory says so too, for whoever looks at it later
				// (boltzmann serve); a failure to write it changes nothing.
				_ = atomicfile.WriteFile(filepath.Join(r.opts.Dir, DivergedFile), []byte(err.Error()+"\n"))
				return nil, err
			}
			_ = bar.Add(1)
			if r.opts.AfterStep != nil {
				r.opts.AfterStep(r.prog)
			}
			if ctx.Err() != nil && r.prog.Batch < nb {
				_ = bar.Exit()
				if err := r.save(); err != nil {
					return nil, err
				}
				res.Checkpoint, res.Progress = r.lastCkpt, r.prog
				return res, fmt.Errorf("%w (at epoch %d, batch %d)", ErrInterrupted, epoch+1, r.prog.Batch)
			}
		}
		_ = bar.Finish()
		trainTime := time.Since(start)
		r.prog.Epoch, r.prog.Batch = epoch+1, 0
		m := r.evaluate(epoch, lr, mom)
		if st, ok := r.learner.(SamplerStats); ok {
			m.SwapAccept = st.SamplerStats()
		}
		m.TrainSeconds = trainTime.Seconds()
		m.ExamplesPerSec = float64(nb*r.cfg.Batch) / trainTime.Seconds()
		m.Seconds = time.Since(start).Seconds()
		spent += time.Since(start)
		epochsRun++
		if err := appendMetrics(r.opts.Dir, m); err != nil {
			return nil, err
		}
		res.Metrics = m
		r.logf("epoch %d/%d  lr %.4g  %s  (%.1fs)\n", m.Epoch, epochs, m.LR, scoreLine(m, false), m.Seconds)
		next, _ := r.plan.stage(epoch + 1)
		stageEnd := r.prog.Epoch < epochs && stage.Name != next.Name
		if r.prog.Epoch%r.cfg.CheckpointEvery == 0 || r.prog.Epoch == epochs || ctx.Err() != nil || stageEnd {
			if err := r.save(); err != nil {
				return nil, err
			}
		}
		if stageEnd {
			// The end of a stage (a DBM's pretraining of a layer) stays on
			// disk whatever keep says, as checkpoints/end-of-<stage>.
			name := "end-of-" + strings.ReplaceAll(strings.ReplaceAll(stage.Name, " ", "-"), "/", "-of-")
			if err := checkpoint.Pin(r.opts.Dir, filepath.Base(r.lastCkpt), name); err != nil {
				return nil, err
			}
		}
		if ctx.Err() != nil && r.prog.Epoch < epochs {
			res.Checkpoint, res.Progress = r.lastCkpt, r.prog
			return res, fmt.Errorf("%w (after epoch %d)", ErrInterrupted, r.prog.Epoch)
		}
	}
	res.Checkpoint, res.Progress = r.lastCkpt, r.prog
	return res, nil
}

func orNone(s string) string {
	if s == "" {
		return "none (no checkpoint was written yet)"
	}
	return s
}

func (r *runner) newBar(n int, desc string) *progressbar.ProgressBar {
	w := r.opts.Progress
	if w == nil {
		w = io.Discard
	}
	return progressbar.NewOptions(n,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(r.opts.Progress != nil),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionThrottle(200*time.Millisecond),
		progressbar.OptionSetWidth(30),
		progressbar.OptionClearOnFinish(),
	)
}

// evaluate scores the model on the validation set and on as many training
// examples, with a generator of its own so that evaluation draws nothing
// from the training stream.
func (r *runner) evaluate(epoch int, lr, mom float64) Metrics {
	rng := rand.New(rand.NewPCG(r.cfg.Seed^streamEvaluate, uint64(epoch)))
	v := NoScores()
	if r.valid != nil && r.valid.Shape()[0] > 0 {
		v = r.learner.Evaluate(r.valid, rng)
	}
	t := r.learner.Evaluate(r.trainEval, rng)
	return Metrics{
		Epoch: r.prog.Epoch, Step: r.prog.Step, LR: lr, Momentum: mom,
		ValidRecon: v.ReconError, ValidPLL: v.PseudoLogLikelihood, ValidFree: v.FreeEnergy,
		TrainRecon: t.ReconError, TrainPLL: t.PseudoLogLikelihood, TrainFree: t.FreeEnergy,
	}
}

func checkFinite(ts []checkpoint.Tensor) error {
	for _, t := range ts {
		if err := numeric.CheckFinite(t.Name, t.T); err != nil {
			return fmt.Errorf("parameter %v is not finite", err)
		}
	}
	return nil
}
