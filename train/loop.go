package train

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/hopfield"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/schollz/progressbar/v3"
	"gorgonia.org/tensor"
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

// Options are the parts of a run that are not its configuration.
type Options struct {
	// Dir is the run directory: metrics.jsonl and checkpoints/ go there.
	Dir string
	// Resume continues the run in Dir from its latest checkpoint; the
	// configuration must be the one saved there (see [ResumeConfig]).
	Resume bool
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

// Metrics is one line of metrics.jsonl.
type Metrics struct {
	Epoch          int     `json:"epoch"`
	Step           int64   `json:"step"`
	LR             float64 `json:"lr"`
	Momentum       float64 `json:"momentum"`
	ValidRecon     float64 `json:"valid_recon_error"`
	ValidPLL       float64 `json:"valid_pll"`
	ValidFree      float64 `json:"valid_free_energy"`
	TrainRecon     float64 `json:"train_recon_error"`
	TrainPLL       float64 `json:"train_pll"`
	TrainFree      float64 `json:"train_free_energy"`
	Seconds        float64 `json:"seconds"`
	TrainSeconds   float64 `json:"train_seconds"`
	ExamplesPerSec float64 `json:"examples_per_second"`
	// SwapAccept is, under parallel tempering, the fraction of swaps
	// accepted during the epoch between each pair of neighbouring
	// temperatures, hottest last.
	SwapAccept []float64 `json:"swap_accept,omitempty"`
}

// scoreLine prints the scores a line of metrics has, validation first;
// with firstOnly, only the first set there is.
func scoreLine(m Metrics, firstOnly bool) string {
	var parts []string
	for _, set := range []struct {
		name             string
		recon, pll, free float64
	}{{"valid", m.ValidRecon, m.ValidPLL, m.ValidFree}, {"train", m.TrainRecon, m.TrainPLL, m.TrainFree}} {
		var s []string
		for _, x := range []struct {
			name string
			v    float64
		}{{"recon", set.recon}, {"pll", set.pll}, {"F", set.free}} {
			if !math.IsNaN(x.v) {
				s = append(s, fmt.Sprintf("%s %.3f", x.name, x.v))
			}
		}
		if len(s) > 0 {
			parts = append(parts, set.name+": "+strings.Join(s, "  "))
			if firstOnly {
				break
			}
		}
	}
	return strings.Join(parts, " | ")
}

// metricsFields is Metrics without its JSON methods.
type metricsFields Metrics

// metricsWire is Metrics as metrics.jsonl holds it: the scores that may be
// absent (NaN in memory: the validation scores of a run that held out
// nothing, the pseudo-log-likelihood of a model with real-valued units) are
// null there.
type metricsWire struct {
	*metricsFields
	ValidRecon *float64 `json:"valid_recon_error"`
	ValidPLL   *float64 `json:"valid_pll"`
	ValidFree  *float64 `json:"valid_free_energy"`
	TrainRecon *float64 `json:"train_recon_error"`
	TrainPLL   *float64 `json:"train_pll"`
	TrainFree  *float64 `json:"train_free_energy"`
}

func (m *Metrics) scores() [6]*float64 {
	return [6]*float64{&m.ValidRecon, &m.ValidPLL, &m.ValidFree, &m.TrainRecon, &m.TrainPLL, &m.TrainFree}
}

func (w *metricsWire) scores() [6]**float64 {
	return [6]**float64{&w.ValidRecon, &w.ValidPLL, &w.ValidFree, &w.TrainRecon, &w.TrainPLL, &w.TrainFree}
}

// MarshalJSON writes an absent (NaN) score as null.
func (m Metrics) MarshalJSON() ([]byte, error) {
	w := metricsWire{metricsFields: (*metricsFields)(&m)}
	dst := w.scores()
	for i, p := range m.scores() {
		if !math.IsNaN(*p) {
			*dst[i] = p
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads a null or missing score as NaN.
func (m *Metrics) UnmarshalJSON(b []byte) error {
	w := metricsWire{metricsFields: (*metricsFields)(m)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	src := w.scores()
	for i, p := range m.scores() {
		*p = math.NaN()
		if *src[i] != nil {
			*p = **src[i]
		}
	}
	return nil
}

// ResumeConfig returns the configuration saved in the latest checkpoint of
// the run in dir.
func ResumeConfig(dir string) (Config, error) {
	ck, err := checkpoint.Load(dir)
	if err != nil {
		return Config{}, err
	}
	return decodeSavedConfig(ck)
}

func decodeSavedConfig(ck *checkpoint.Checkpoint) (Config, error) {
	var c Config
	dec := json.NewDecoder(bytes.NewReader(ck.Config))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return Config{}, fmt.Errorf("checkpoint config: %w", err)
	}
	if c.Model != ck.Kind {
		return Config{}, fmt.Errorf("checkpoint config names model %q but the checkpoint holds %q", c.Model, ck.Kind)
	}
	if err := c.Validate(); err != nil {
		return Config{}, fmt.Errorf("checkpoint config: %w", err)
	}
	return c, nil
}

// Loaded is a model restored from a checkpoint: a Learner for the models
// trained by gradient steps, or a Memory for a Hopfield network.
type Loaded struct {
	Config   Config
	Progress checkpoint.Progress
	Learner  Learner
	Memory   *hopfield.Memory
	Dir      string // the checkpoint directory
}

// LoadCheckpoint restores the model of a checkpoint or of a run directory's
// latest checkpoint.
func LoadCheckpoint(path string) (*Loaded, error) {
	dir, err := checkpoint.Resolve(path)
	if err != nil {
		return nil, err
	}
	ck, err := checkpoint.Load(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := decodeSavedConfig(ck)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if cfg.Model == hopfield.Kind {
		m, err := loadMemory(ck.Model)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		return &Loaded{Config: cfg, Progress: ck.Progress, Memory: m, Dir: dir}, nil
	}
	visible, err := visibleUnits(ck.Model)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	l, err := NewLearner(cfg, visible, nil, rand.New(rand.NewPCG(cfg.Seed, streamSampler)))
	if err != nil {
		return nil, err
	}
	if err := checkpoint.Assign(l.Params(), ck.Model, dir+": model"); err != nil {
		return nil, err
	}
	if s, ok := l.(Staged); ok {
		epoch := ck.Progress.Epoch // the stage of the epoch the checkpoint is in, or ended
		if ck.Progress.Batch == 0 {
			epoch = max(epoch-1, 0)
		}
		s.BeginEpoch(epoch)
	}
	return &Loaded{Config: cfg, Progress: ck.Progress, Learner: l, Dir: dir}, nil
}

// visibleUnits reads the input width from the first dimension of W (W1,
// a DBM's first coupling matrix).
func visibleUnits(ts []checkpoint.Tensor) (int, error) {
	for _, t := range ts {
		if (t.Name == "W" || t.Name == "W1") && len(t.T.Shape()) == 2 {
			return t.T.Shape()[0], nil
		}
	}
	return 0, errors.New("checkpoint holds no weight matrix W")
}

type runner struct {
	cfg       Config
	cfgJSON   json.RawMessage
	opts      Options
	learner   Learner
	pcg       *rand.PCG
	rng       *rand.Rand
	prog      checkpoint.Progress
	batches   *mnist.Batches
	dynamic   *tensor.Dense // the minibatch drawn from grey levels, under dynamic binarisation
	valid     *tensor.Dense
	trainEval *tensor.Dense
	lastCkpt  string
}

// Run trains the model cfg describes on data, in opts.Dir. It returns
// ErrInterrupted (wrapped) when ctx is cancelled, after writing a checkpoint.
func Run(ctx context.Context, cfg Config, data *mnist.Split, opts Options) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if cfg.Model == hopfield.Kind {
		return storeHopfield(cfg, data, opts)
	}
	if data.Train.Images.Dtype() != cfg.Dtype() {
		return nil, fmt.Errorf("train: data are %v but dtype is %s", data.Train.Images.Dtype(), cfg.DType)
	}
	cj, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	r := &runner{cfg: cfg, cfgJSON: cj, opts: opts}
	r.pcg = rand.NewPCG(cfg.Seed, streamSampler)
	r.rng = rand.New(r.pcg)
	source := data.Train.Images
	if cfg.Binarize == string(mnist.Dynamic) {
		if data.TrainGrey == nil {
			return nil, errors.New("train: dynamic binarisation needs the training intensities (mnist.Load with Binarize dynamic)")
		}
		source = data.TrainGrey
		r.dynamic = tensor.New(tensor.WithShape(cfg.Batch, source.Shape()[1]), tensor.Of(source.Dtype()))
	}
	if r.batches, err = mnist.NewBatches(source, cfg.Batch); err != nil {
		return nil, fmt.Errorf("batch: %w", err)
	}
	r.valid = data.Validation.Images
	nEval := data.Validation.Len()
	if nEval == 0 { // training on every image: score as many as a default validation set holds
		nEval = mnist.DefaultValidation
	}
	r.trainEval = mnist.RowRange(data.Train.Images, 0, min(nEval, data.Train.Len()))
	visible := data.Train.Images.Shape()[1]
	if opts.Resume {
		err = r.restore(visible)
	} else {
		err = r.start(visible, data.Train.Images)
	}
	if err != nil {
		return nil, err
	}
	return r.loop(ctx)
}

func (r *runner) start(visible int, train *tensor.Dense) error {
	if _, err := os.Stat(filepath.Join(r.opts.Dir, checkpoint.Dir)); err == nil {
		return fmt.Errorf("train: %s already holds a run: pass -resume to continue it, or choose another -out", r.opts.Dir)
	}
	if err := os.MkdirAll(r.opts.Dir, 0o755); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	var err error
	r.learner, err = NewLearner(r.cfg, visible, train, r.rng)
	if err != nil {
		return err
	}
	return truncateMetrics(r.opts.Dir, 0)
}

func (r *runner) restore(visible int) error {
	dir, err := checkpoint.Resolve(r.opts.Dir)
	if err != nil {
		return err
	}
	ck, err := checkpoint.Load(dir)
	if err != nil {
		return err
	}
	saved, err := decodeSavedConfig(ck)
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	if diff := diffConfig(saved, r.cfg); diff != "" {
		return fmt.Errorf("train: resuming %s with a configuration that differs from the saved one (%s): an exact resume needs the same settings", dir, diff)
	}
	if r.learner, err = NewLearner(r.cfg, visible, nil, r.rng); err != nil {
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
	if all := r.cfg.TotalEpochs(); r.prog.Epoch > all || r.prog.Epoch == all && r.prog.Batch > 0 {
		return fmt.Errorf("train: checkpoint %s is past the configured %d epochs", dir, all)
	}
	// Metrics of epochs after the checkpoint are about to be recomputed.
	return truncateMetrics(r.opts.Dir, r.prog.Epoch)
}

// diffConfig names the fields where a and b differ, ignoring the ones that
// do not change what is computed.
func diffConfig(a, b Config) string {
	for _, c := range []*Config{&a, &b} {
		c.Data, c.CheckpointEvery, c.Keep = "", 0, 0
	}
	aj, _ := json.Marshal(a)
	bj, _ := json.Marshal(b)
	var am, bm map[string]any
	_ = json.Unmarshal(aj, &am)
	_ = json.Unmarshal(bj, &bm)
	var diffs []string
	for k, v := range am {
		if fmt.Sprint(v) != fmt.Sprint(bm[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: saved %v, given %v", k, v, bm[k]))
		}
	}
	sort.Strings(diffs)
	return strings.Join(diffs, "; ")
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
	dir, err := checkpoint.Save(r.opts.Dir, &checkpoint.Checkpoint{
		Kind:     r.cfg.Model,
		Config:   r.cfgJSON,
		Progress: r.prog,
		Model:    r.learner.Params(),
		State:    append(r.learner.State(), rngT),
	}, r.cfg.Keep)
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
	epochs := r.cfg.TotalEpochs()
	total := int64(epochs) * int64(nb)
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
		if stage := r.cfg.StageName(epoch); stage != "" {
			desc += ", " + stage
		}
		if epochsRun > 0 {
			left := spent / time.Duration(epochsRun) * time.Duration(epochs-epoch)
			desc += fmt.Sprintf(" (last: %s; run ends in %s)", scoreLine(res.Metrics, true), left.Round(time.Second))
		}
		bar := r.newBar(nb, desc)
		_ = bar.Set(r.prog.Batch)
		lr, mom := 0.0, r.cfg.MomentumAt(epoch)
		params := r.learner.Params() // once an epoch, so that the check after each step allocates nothing
		for b := r.prog.Batch; b < nb; b++ {
			lr = r.cfg.LearningRate(r.prog.Step, total, epoch)
			x := r.batches.Batch(b)
			if r.dynamic != nil {
				if err := mnist.DynamicBatch(r.dynamic, x, r.cfg.Seed, epoch, b); err != nil {
					return nil, err
				}
				x = r.dynamic
			}
			r.learner.Step(x, lr, mom, r.rng)
			r.prog.Step++
			r.prog.Batch = b + 1
			if err := checkFinite(params); err != nil {
				_ = bar.Exit()
				return nil, fmt.Errorf("train: diverged at epoch %d, batch %d (step %d): %v; the last good checkpoint is %s; try a smaller -lr",
					epoch+1, b+1, r.prog.Step, err, orNone(r.lastCkpt))
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
		if st, ok := r.learner.(interface{ SamplerStats() []float64 }); ok {
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
		stageEnd := r.prog.Epoch < epochs && r.cfg.StageName(epoch) != r.cfg.StageName(epoch+1)
		if r.prog.Epoch%r.cfg.CheckpointEvery == 0 || r.prog.Epoch == epochs || ctx.Err() != nil || stageEnd {
			if err := r.save(); err != nil {
				return nil, err
			}
		}
		if stageEnd {
			// The end of a stage (a DBM's pretraining of a layer) stays on
			// disk whatever keep says, as checkpoints/end-of-<stage>.
			name := "end-of-" + strings.ReplaceAll(strings.ReplaceAll(r.cfg.StageName(epoch), " ", "-"), "/", "-of-")
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
// images, with a generator of its own so that evaluation draws nothing from
// the training stream.
func (r *runner) evaluate(epoch int, lr, mom float64) Metrics {
	rng := rand.New(rand.NewPCG(r.cfg.Seed^streamEvaluate, uint64(epoch)))
	v := map[string]float64{}
	if r.valid.Shape()[0] > 0 {
		v = r.learner.Evaluate(r.valid, rng)
	}
	t := r.learner.Evaluate(r.trainEval, rng)
	score := func(s map[string]float64, k string) float64 {
		if x, ok := s[k]; ok {
			return x
		}
		return math.NaN() // a score the model does not have
	}
	return Metrics{
		Epoch: r.prog.Epoch, Step: r.prog.Step, LR: lr, Momentum: mom,
		ValidRecon: score(v, "recon_error"), ValidPLL: score(v, "pll"), ValidFree: score(v, "free_energy"),
		TrainRecon: score(t, "recon_error"), TrainPLL: score(t, "pll"), TrainFree: score(t, "free_energy"),
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

// appendMetrics appends one line to metrics.jsonl and syncs it.
func appendMetrics(dir string, m Metrics) error {
	line, err := json.Marshal(m)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, MetricsFile), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("train: writing %s: %w", MetricsFile, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("train: %w", err)
	}
	return f.Close()
}

// truncateMetrics keeps only the lines of metrics.jsonl for epochs up to
// keep, rewriting the file atomically.
func truncateMetrics(dir string, keep int) error {
	path := filepath.Join(dir, MetricsFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var m struct{ Epoch int }
		if json.Unmarshal(sc.Bytes(), &m) == nil && m.Epoch <= keep && m.Epoch > 0 {
			out.Write(sc.Bytes())
			out.WriteByte('\n')
		}
	}
	return checkpoint.WriteFileAtomic(path, out.Bytes())
}

// ReadMetrics reads a run's metrics.jsonl.
func ReadMetrics(dir string) ([]Metrics, error) {
	path := filepath.Join(dir, MetricsFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	var ms []Metrics
	for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m Metrics
		if err := json.Unmarshal(line, &m); err != nil {
			return nil, fmt.Errorf("train: %s line %d: %w", path, i+1, err)
		}
		ms = append(ms, m)
	}
	return ms, nil
}
