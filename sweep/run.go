package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

// File names in a sweep directory.
const (
	PlanName   = "plan.json"
	TrialsDir  = "trials"
	TrialName  = "trial.json"
	ResultName = "result.json"
	lockName   = ".lock"
)

// Statuses of a finished trial.
const (
	StatusDone   = "done"
	StatusFailed = "failed"
)

// Result is what a trial writes to result.json when it ends.
type Result struct {
	ID       string             `json:"id"`
	Index    int                `json:"index"`
	Params   map[string]any     `json:"params"`
	Status   string             `json:"status"`
	Error    string             `json:"error,omitempty"`
	Metrics  map[string]float64 `json:"metrics,omitempty"`
	Epochs   int                `json:"epochs"`
	Seconds  float64            `json:"seconds"`      // training and evaluation in this worker's calls
	Resumed  int                `json:"resumed_from"` // the epoch a worker resumed from, 0 when none did
	Finished time.Time          `json:"finished"`
}

// Options controls [Run].
type Options struct {
	Dir           string    // the sweep directory
	Shard, Shards int       // run trial indices ≡ Shard mod Shards
	Parallel      int       // trials at once (1 when zero)
	Log           io.Writer // a line for each trial's start, epochs and end
	// Board says that Log is a terminal: a status board stays at its foot,
	// a line for each running trial (epoch, progress bar, speed, time
	// left) and one for the shard, and the log scrolls above it.
	Board    bool
	LoadData func(kinds.Config) (*data.Split, error)
}

// Summary counts what [Run] did with its shard.
type Summary struct {
	Ran, Skipped, Busy, Failed int
}

// Run trains this worker's shard of the plan: trials with a result.json are
// skipped, trials that another worker holds (their lock) are left to it,
// and the rest run (resuming from their latest checkpoint when they have
// one), Parallel at a time. A trial that fails (diverges, say) is recorded
// as failed and not retried; delete its result.json to retry it. When ctx
// is cancelled, running trials checkpoint and Run returns an error
// wrapping train.ErrInterrupted.
func Run(ctx context.Context, plan *PlanFile, opts Options) (Summary, error) {
	if opts.Shards < 1 || opts.Shard < 0 || opts.Shard >= opts.Shards {
		return Summary{}, fmt.Errorf("sweep: shard %d of %d", opts.Shard, opts.Shards)
	}
	if err := checkSweepDir(opts.Dir); err != nil {
		return Summary{}, err
	}
	pj, err := json.MarshalIndent(plan, "", "  ")
	if err != nil {
		return Summary{}, err
	}
	// Every worker writes the same bytes, atomically; a different plan in
	// the directory is a different sweep.
	planPath := filepath.Join(opts.Dir, PlanName)
	if old, err := os.ReadFile(planPath); err == nil && string(old) != string(pj) {
		return Summary{}, fmt.Errorf("sweep: %s holds another sweep's plan; choose another -out", planPath)
	}
	if err := os.MkdirAll(filepath.Join(opts.Dir, TrialsDir), 0o755); err != nil {
		return Summary{}, fmt.Errorf("sweep: %w", err)
	}
	if err := atomicfile.WriteFile(planPath, pj); err != nil {
		return Summary{}, fmt.Errorf("sweep: %w", err)
	}
	mine := plan.Shard(opts.Shard, opts.Shards)
	log := opts.Log
	if log == nil {
		log = io.Discard
	}
	var (
		mu    sync.Mutex
		sum   Summary
		errs  []error
		next  = make(chan Trial)
		wg    sync.WaitGroup
		board *board
	)
	if opts.Board {
		board = newBoard(log, &mu, fmt.Sprintf("sweep shard %d/%d", opts.Shard, opts.Shards), max(opts.Parallel, 1), len(mine), time.Now)
	}
	for slot := range max(opts.Parallel, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for t := range next {
				lw := &lineWriter{w: log, prefix: fmt.Sprintf("[%d %s] ", t.Index, t.ID), mu: &mu, board: board}
				var onStep func(nb int, p checkpoint.Progress)
				if board != nil {
					tb := &trialBar{label: fmt.Sprintf("[%d %s]", t.Index, t.ID), epochs: t.Config.TotalEpochs()}
					board.set(slot, tb.label+" starting")
					onStep = func(nb int, p checkpoint.Progress) {
						tb.nb = nb
						if line, changed := tb.line(p); changed {
							board.set(slot, line)
						}
					}
				}
				outcome, err := runTrial(ctx, plan, t, opts, lw, onStep)
				if board != nil {
					board.finished(slot, outcome == failed)
				}
				mu.Lock()
				switch outcome {
				case ran:
					sum.Ran++
				case skipped:
					sum.Skipped++
				case busy:
					sum.Busy++
				case failed:
					sum.Failed++
				}
				if err != nil {
					errs = append(errs, err)
				}
				mu.Unlock()
			}
		}()
	}
	for _, t := range mine {
		if ctx.Err() != nil {
			break
		}
		next <- t
	}
	close(next)
	wg.Wait()
	if board != nil {
		board.close()
	}
	if ctx.Err() != nil {
		errs = append(errs, fmt.Errorf("sweep: %w", train.ErrInterrupted))
	}
	return sum, errors.Join(errs...)
}

type outcome int

const (
	ran outcome = iota
	skipped
	busy
	failed
)

// runTrial runs one trial; onStep, when set, follows its progress (nb is
// the number of batches in an epoch).
func runTrial(ctx context.Context, plan *PlanFile, t Trial, opts Options, log io.Writer, onStep func(nb int, p checkpoint.Progress)) (outcome, error) {
	dir := filepath.Join(opts.Dir, TrialsDir, t.ID)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return failed, fmt.Errorf("sweep: trial %s: %w", t.ID, err)
	}
	unlock, ok, err := checkpoint.TryLock(filepath.Join(dir, lockName))
	if err != nil {
		return failed, fmt.Errorf("sweep: trial %s: %w", t.ID, err)
	}
	if !ok {
		fmt.Fprintln(log, "held by another worker; left to it")
		return busy, nil
	}
	defer unlock()
	resultPath := filepath.Join(dir, ResultName)
	if _, err := os.Stat(resultPath); err == nil {
		return skipped, nil
	}
	tj, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return failed, err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, TrialName), tj); err != nil {
		return failed, fmt.Errorf("sweep: trial %s: %w", t.ID, err)
	}
	start := time.Now()
	res := Result{ID: t.ID, Index: t.Index, Params: t.Params}
	resume := false
	if _, err := checkpoint.Latest(dir); err == nil {
		resume = true
		if prev, err := train.ReadMetrics(dir); err == nil {
			res.Resumed = len(prev)
		}
		fmt.Fprintf(log, "resuming from its checkpoint\n")
	} else {
		fmt.Fprintf(log, "training %v\n", t.Params)
	}
	fail := func(err error) (outcome, error) {
		res.Status, res.Error, res.Finished = StatusFailed, err.Error(), time.Now().UTC()
		res.Seconds = time.Since(start).Seconds()
		fmt.Fprintf(log, "failed: %v\n", err)
		if werr := writeResult(resultPath, res); werr != nil {
			return failed, werr
		}
		return failed, nil
	}
	data, err := opts.LoadData(t.Config)
	if err != nil {
		return failed, fmt.Errorf("sweep: trial %s: %w", t.ID, err)
	}
	topts := train.Options{Dir: dir, Resume: resume, Log: log}
	if onStep != nil {
		nb := data.Train.Len() / t.Config.Batch
		topts.AfterStep = func(p checkpoint.Progress) { onStep(nb, p) }
	}
	tr, err := kinds.Train(ctx, t.Config, data, topts)
	if errors.Is(err, train.ErrInterrupted) {
		fmt.Fprintf(log, "interrupted; checkpoint %s\n", tr.Checkpoint)
		return ran, nil
	}
	if err != nil {
		return fail(err)
	}
	m := tr.Metrics
	res.Epochs = tr.Progress.Epoch
	if m.Epoch == 0 { // resumed after the last epoch: read the metrics back
		if all, err := train.ReadMetrics(dir); err == nil && len(all) > 0 {
			m = all[len(all)-1]
		}
	}
	res.Metrics = map[string]float64{}
	for k, v := range map[string]float64{
		MetricValidPLL: m.ValidPLL, MetricValidRecon: m.ValidRecon, "valid_free_energy": m.ValidFree,
		"train_pll": m.TrainPLL, "train_recon_error": m.TrainRecon,
	} {
		if !math.IsNaN(v) { // no validation images: no validation metrics
			res.Metrics[k] = v
		}
	}
	if plan.Metric == MetricTestLL {
		ll, logZ, err := testLL(dir, data, plan.AIS, t.Config.Seed)
		if err != nil {
			return fail(err)
		}
		res.Metrics[MetricTestLL], res.Metrics["log_z"] = ll, logZ
	}
	res.Status, res.Finished = StatusDone, time.Now().UTC()
	res.Seconds = time.Since(start).Seconds()
	fmt.Fprintf(log, "done: %s %.4g\n", plan.Metric, res.Metrics[plan.Metric])
	return ran, writeResult(resultPath, res)
}

func writeResult(path string, r Result) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b)
}

// testLL estimates the mean test log-likelihood of the trial's model by
// AIS from a base model fitted to its training images (for a DBM, the
// variational lower bound), as eval does.
func testLL(dir string, data *data.Split, spec AISSpec, seed uint64) (ll, logZ float64, err error) {
	loaded, err := kinds.Load(dir)
	if err != nil {
		return 0, 0, err
	}
	m, ok := loaded.Model.(evaluate.Evaluable)
	if !ok {
		return 0, 0, fmt.Errorf("sweep: test_ll needs a model with a log-likelihood; trial %s holds a %s", dir, loaded.Config.Model)
	}
	l, err := evaluate.LogLikelihood(m, data.Train.X, data.Test.X, evaluate.AISOptions{Steps: spec.Steps, Runs: spec.Runs, Seed: seed}, io.Discard)
	if err != nil {
		return 0, 0, err
	}
	return l.TestLL, l.LogZ, nil
}

// lineWriter prefixes each line and writes whole lines under a shared
// mutex, so that trials running at once do not interleave mid-line.
type lineWriter struct {
	w      io.Writer
	prefix string
	mu     *sync.Mutex
	board  *board // when set, lines print above it
	buf    []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.mu.Lock()
		var err error
		if l.board != nil {
			err = l.board.println(l.prefix + string(l.buf[:i]))
		} else {
			_, err = fmt.Fprintf(l.w, "%s%s\n", l.prefix, l.buf[:i])
		}
		l.mu.Unlock()
		l.buf = l.buf[i+1:]
		if err != nil {
			return len(p), err
		}
	}
}

// checkSweepDir refuses a sweep's directory where something else stands:
// a file, a link to one, a run, a checkpoint, an exported model or other
// files. A missing or empty directory is free, and so is a sweep's (its
// plan, or the trials directory another worker has just made).
func checkSweepDir(dir string) error {
	s, err := checkpoint.InspectTarget(dir)
	if err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	switch s.What {
	case checkpoint.Missing, checkpoint.EmptyDir:
		return nil
	case checkpoint.OtherDir:
		if s.Holds(PlanName) || s.Holds(TrialsDir) {
			return nil
		}
		s.Detail += " and no sweep"
	}
	return fmt.Errorf("sweep: %s %s: choose another -out for a sweep", dir, s.Detail)
}
