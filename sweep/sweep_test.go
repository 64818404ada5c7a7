package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/train"
)

const specYAML = `
base:
  hidden: 16
  epochs: 40
  batch: 50
  train_limit: 300
  validation: 100
  checkpoint_every: 1
  keep: 2
grid:
  lr: [0.01, 0.02, 0.05]
  k: [1, 2]
random:
  weight_decay: {log_uniform: [1.0e-5, 1.0e-3]}
trials: 1
seed: 3
`

func TestPlanIsStableAndShardsPartitionIt(t *testing.T) {
	spec, err := ParseSpec([]byte(specYAML))
	if err != nil {
		t.Fatal(err)
	}
	a, err := spec.Plan()
	if err != nil {
		t.Fatal(err)
	}
	// The same spec with its keys in another order plans the same trials.
	reordered := strings.Replace(specYAML, "  lr: [0.01, 0.02, 0.05]\n  k: [1, 2]", "  k: [1, 2]\n  lr: [0.01, 0.02, 0.05]", 1)
	spec2, err := ParseSpec([]byte(reordered))
	if err != nil {
		t.Fatal(err)
	}
	b, err := spec2.Plan()
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("plans differ:\n%s\n%s", ja, jb)
	}
	if len(a.Trials) != 6 {
		t.Fatalf("%d trials, want 3 × 2 × 1", len(a.Trials))
	}
	ids, seeds := map[string]bool{}, map[uint64]bool{}
	for i, tr := range a.Trials {
		if tr.Index != i || ids[tr.ID] || seeds[tr.Config.Seed] {
			t.Errorf("trial %d: index %d, id %s, seed %d repeats or is out of order", i, tr.Index, tr.ID, tr.Config.Seed)
		}
		ids[tr.ID], seeds[tr.Config.Seed] = true, true
		if tr.Config.Hidden != 16 || tr.Config.LR != tr.Params["lr"] || tr.Config.K != tr.Params["k"] {
			t.Errorf("trial %d: config %+v does not carry base and params %v", i, tr.Config, tr.Params)
		}
	}
	// The last grid field varies fastest: k before lr in sorted order.
	if a.Trials[0].Params["lr"] != 0.01 || a.Trials[1].Params["lr"] != 0.02 || a.Trials[3].Params["k"] != 2 {
		t.Errorf("grid order: %v, %v, %v", a.Trials[0].Params, a.Trials[1].Params, a.Trials[3].Params)
	}
	for n := 1; n <= 7; n++ {
		seen := map[int]int{}
		for s := range n {
			for _, tr := range a.Shard(s, n) {
				seen[tr.Index]++
				if tr.Index%n != s {
					t.Errorf("%d shards: trial %d in shard %d", n, tr.Index, s)
				}
			}
		}
		for i := range a.Trials {
			if seen[i] != 1 {
				t.Errorf("%d shards: trial %d runs %d times", n, i, seen[i])
			}
		}
	}
	// Another seed draws other values and seeds, and so other IDs.
	spec.Seed = 4
	c, err := spec.Plan()
	if err != nil {
		t.Fatal(err)
	}
	if c.Trials[0].ID == a.Trials[0].ID || c.Trials[0].Params["weight_decay"] == a.Trials[0].Params["weight_decay"] {
		t.Error("seed 4 planned the trials of seed 3")
	}
}

func TestSpecErrorsNameTheField(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"base: {hidden: 10}\ngrids: {lr: [1]}", "grids"},
		{"base: {hiddden: 10}", "hiddden"},
		{"grid: {learning_rate: [0.1]}", "learning_rate"},
		{"grid: {hidden: [ten]}", "hidden"},
		{"grid: {lr: []}", "grid.lr"},
		{"random: {lr: {uniform: [0.1]}}", "random.lr"},
		{"random: {lr: {log_uniform: [0, 1]}}", "random.lr"},
		{"random: {lr: {uniform: [0.1, 0.2], choice: [1]}}", "random.lr"},
		{"grid: {lr: [0.1]}\nrandom: {lr: {uniform: [0.1, 0.2]}}", "both"},
		{"metric: accuracy", "accuracy"},
		{"grid: {epochs: [0]}", "epochs"},
		{"grid: {lr: [0.1, 0.1]}", "same configuration"},
		{"base: {validation: 0}\ngrid: {lr: [0.1]}", "validation is 0"},
		{"", "empty"},
	} {
		spec, err := ParseSpec([]byte(tc.spec))
		if err == nil {
			_, err = spec.Plan()
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("spec %q: error %v, want one naming %q", tc.spec, err, tc.want)
		}
	}
}

func TestShardFromEnv(t *testing.T) {
	for _, tc := range []struct {
		env           map[string]string
		flag          int
		shard, shards int
		fails         bool
	}{
		{nil, 0, 0, 1, false},
		{nil, 4, 0, 4, false},
		{map[string]string{"JOB_COMPLETION_INDEX": "3"}, 5, 3, 5, false},
		{map[string]string{"JOB_COMPLETION_INDEX": "3"}, 0, 0, 0, true},
		{map[string]string{"JOB_COMPLETION_INDEX": "5"}, 5, 0, 0, true},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "12", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, 2, 4, false},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"}, 0, 2, 3, false},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "3"}, 4, 0, 0, true},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "3"}, 0, 0, 0, true},
	} {
		shard, shards, err := ShardFromEnv(func(k string) string { return tc.env[k] }, tc.flag)
		if (err != nil) != tc.fails || (!tc.fails && (shard != tc.shard || shards != tc.shards)) {
			t.Errorf("%v, -num-shards %d: shard %d of %d, %v", tc.env, tc.flag, shard, shards, err)
		}
	}
}

// The test binary doubles as a sweep worker, so that shards can run in
// separate processes and one can be killed.
func TestMain(m *testing.M) {
	if spec := os.Getenv("SWEEP_TEST_SPEC"); spec != "" {
		os.Exit(worker(spec, os.Getenv("SWEEP_TEST_DIR"), os.Getenv("SWEEP_TEST_SHARD")))
	}
	os.Exit(m.Run())
}

func worker(specPath, dir, shard string) int {
	spec, err := LoadSpec(specPath)
	if err == nil {
		var plan *PlanFile
		if plan, err = spec.Plan(); err == nil {
			s, _ := strconv.Atoi(shard)
			_, err = Run(context.Background(), plan, Options{Dir: dir, Shard: s, Shards: 2, LoadData: loadData})
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func loadData(cfg kinds.Config) (*data.Split, error) { return cfg.LoadData("") }

func startWorker(t *testing.T, spec, dir string, shard int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SWEEP_TEST_SPEC="+spec, "SWEEP_TEST_DIR="+dir, fmt.Sprintf("SWEEP_TEST_SHARD=%d", shard))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			// A test that failed before waiting for the worker: end it, and
			// wait, so that its stderr is no longer being written.
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		if t.Failed() {
			t.Logf("worker %d stderr:\n%s", shard, stderr.String())
		}
	})
	return cmd
}

// TestKilledShardResumes runs a six-trial sweep as two shards in two
// processes, kills shard 0 in the middle of its second trial, runs it
// again, and merges: every trial is there, the trials finished before the
// kill were not run again, and the killed one resumed from its checkpoint
// with no epoch trained twice.
func TestKilledShardResumes(t *testing.T) {
	if _, err := mnist.DefaultDir(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(specPath, []byte(specYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	spec, _ := LoadSpec(specPath)
	plan, err := spec.Plan()
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "sweep")
	a := startWorker(t, specPath, out, 0)
	b := startWorker(t, specPath, out, 1)

	// Wait until shard 0 has finished a trial and is partway through the next.
	mine := plan.Shard(0, 2)
	exists := func(id, name string) bool {
		_, err := os.Stat(filepath.Join(out, TrialsDir, id, name))
		return err == nil
	}
	var killed string
	deadline := time.Now().Add(2 * time.Minute)
	for killed == "" {
		if time.Now().After(deadline) {
			t.Fatal("shard 0 never reached the middle of its second trial")
		}
		if exists(mine[0].ID, ResultName) && !exists(mine[1].ID, ResultName) {
			if m, err := train.ReadMetrics(filepath.Join(out, TrialsDir, mine[1].ID)); err == nil && len(m) >= 3 {
				if err := a.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = mine[1].ID
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	_ = a.Wait()
	if exists(killed, ResultName) {
		t.Fatalf("trial %s finished before the kill landed", killed)
	}
	if err := b.Wait(); err != nil {
		t.Fatalf("shard 1: %v", err)
	}
	before := map[string][]byte{}
	for _, tr := range plan.Trials {
		if r, err := os.ReadFile(filepath.Join(out, TrialsDir, tr.ID, ResultName)); err == nil {
			before[tr.ID] = r
		}
	}
	if len(before) != 4 { // shard 1's three and shard 0's first
		t.Fatalf("%d trials finished before the rerun, want 4", len(before))
	}
	if err := startWorker(t, specPath, out, 0).Wait(); err != nil {
		t.Fatalf("shard 0 again: %v", err)
	}
	for id, r := range before {
		now, _ := os.ReadFile(filepath.Join(out, TrialsDir, id, ResultName))
		if !bytes.Equal(r, now) {
			t.Errorf("trial %s ran again after it had finished", id)
		}
	}
	var res Result
	rb, _ := os.ReadFile(filepath.Join(out, TrialsDir, killed, ResultName))
	if err := json.Unmarshal(rb, &res); err != nil {
		t.Fatal(err)
	}
	if res.Status != StatusDone || res.Resumed < 1 || res.Resumed >= 40 || res.Epochs != 40 {
		t.Errorf("killed trial: %+v; want done, resumed from a checkpoint after epoch ≥ 1", res)
	}
	m, err := train.ReadMetrics(filepath.Join(out, TrialsDir, killed))
	if err != nil {
		t.Fatal(err)
	}
	for i, x := range m {
		if x.Epoch != i+1 {
			t.Fatalf("killed trial's metrics: line %d is epoch %d", i+1, x.Epoch)
		}
	}
	if len(m) != 40 {
		t.Errorf("killed trial has %d epochs of metrics, want 40", len(m))
	}
	lb, err := Merge(out, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Ranked) != 6 || len(lb.Missing)+len(lb.Failed) != 0 {
		t.Fatalf("leaderboard: %d ranked, %d missing, %d failed", len(lb.Ranked), len(lb.Missing), len(lb.Failed))
	}
	for i := 1; i < len(lb.Ranked); i++ {
		if lb.Ranked[i].Metrics[MetricValidPLL] > lb.Ranked[i-1].Metrics[MetricValidPLL] {
			t.Errorf("rank %d above rank %d", i+1, i)
		}
	}
	if err := lb.Write(); err != nil {
		t.Fatal(err)
	}
	csv, _ := os.ReadFile(filepath.Join(out, "leaderboard.csv"))
	if n := strings.Count(string(csv), "\n"); n != 7 {
		t.Errorf("leaderboard.csv has %d lines, want a header and 6 trials", n)
	}
}

func TestMergeListsMissingAndFailedAndRanksByDirection(t *testing.T) {
	spec, err := ParseSpec([]byte("base: {epochs: 1}\ngrid: {lr: [0.01, 0.02, 0.03, 0.04]}\nmetric: valid_recon_error"))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := spec.Plan()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pj, _ := json.Marshal(plan)
	if err := os.WriteFile(filepath.Join(dir, PlanName), pj, 0o644); err != nil {
		t.Fatal(err)
	}
	put := func(i int, r Result) {
		p := filepath.Join(dir, TrialsDir, plan.Trials[i].ID)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		r.ID, r.Index, r.Params = plan.Trials[i].ID, i, plan.Trials[i].Params
		if err := writeResult(filepath.Join(p, ResultName), r); err != nil {
			t.Fatal(err)
		}
	}
	put(0, Result{Status: StatusDone, Metrics: map[string]float64{MetricValidRecon: 30, MetricValidPLL: -90}})
	put(1, Result{Status: StatusDone, Metrics: map[string]float64{MetricValidRecon: 20, MetricValidPLL: -95}})
	put(2, Result{Status: StatusFailed, Error: "diverged"})
	lb, err := Merge(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(lb.Ranked) != 2 || lb.Ranked[0].Index != 1 || len(lb.Failed) != 1 || len(lb.Missing) != 1 || lb.Missing[0].Index != 3 {
		t.Fatalf("ranked %+v, failed %d, missing %+v", lb.Ranked, len(lb.Failed), lb.Missing)
	}
	if lb, _ := Merge(dir, MetricValidPLL); lb.Ranked[0].Index != 0 {
		t.Errorf("by valid_pll (higher is better) trial %d comes first", lb.Ranked[0].Index)
	}
	if _, err := Merge(dir, MetricTestLL); err == nil || !strings.Contains(err.Error(), "test_ll") {
		t.Errorf("ranking by a metric the trials lack: %v", err)
	}
	md := string(lb.Markdown())
	if !strings.Contains(md, "failed: trial 2") || !strings.Contains(md, "missing: trial 3") {
		t.Errorf("markdown does not list the failed and missing trials:\n%s", md)
	}
}

// TestTestLLRanksEveryKind runs, for each kind with a log-likelihood, a
// two-trial sweep ranked by test_ll (AIS at the end of each trial) and
// merges it: both trials report a finite test_ll and the leaderboard ranks
// them highest first.
func TestTestLLRanksEveryKind(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST")
	}
	for _, tc := range []struct{ kind, base string }{
		{"rbm", "{hidden: 8, epochs: 1, train_limit: 300, validation: 100, batch: 50}"},
		{"grbm", "{model: grbm, binarize: none, dtype: float64, hidden: 6, epochs: 1, train_limit: 300, validation: 100, batch: 50, lr: 0.005}"},
		{"dbm", "{model: dbm, layers: [8, 6], pretrain_epochs: 1, epochs: 1, train_limit: 300, validation: 100, batch: 50, chains: 20, lr: 0.005}"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			spec, err := ParseSpec([]byte("base: " + tc.base + "\ngrid: {seed: [1, 2]}\nmetric: test_ll\nais: {steps: 200, runs: 8}\n"))
			if err != nil {
				t.Fatal(err)
			}
			plan, err := spec.Plan()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			sum, err := Run(context.Background(), plan, Options{Dir: dir, Shards: 1, LoadData: loadData})
			if err != nil || sum.Ran != 2 || sum.Failed != 0 {
				t.Fatalf("summary %+v, error %v", sum, err)
			}
			board, err := Merge(dir, MetricTestLL)
			if err != nil {
				t.Fatal(err)
			}
			if len(board.Ranked) != 2 {
				t.Fatalf("%d ranked trials, want 2 (failed: %+v)", len(board.Ranked), board.Failed)
			}
			a, b := board.Ranked[0].Metrics[MetricTestLL], board.Ranked[1].Metrics[MetricTestLL]
			if math.IsNaN(a) || math.IsInf(a, 0) || math.IsNaN(b) || a < b {
				t.Errorf("test_ll %g then %g: want finite, highest first", a, b)
			}
		})
	}
}

// FuzzParseSpec: no spec file, however malformed, panics the parser or the
// planner.
func FuzzParseSpec(f *testing.F) {
	f.Add([]byte(specYAML))
	f.Add([]byte("base: {hidden: 8}\ngrid: {lr: [0.01, 0.05]}\nrandom: {k: {int_uniform: [1, 3]}}\ntrials: 2\n"))
	f.Add([]byte("metric: test_ll\nais: {steps: -1}\n"))
	f.Add([]byte("grid: {lr: []}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSpec(b)
		if err != nil {
			return
		}
		if s.Trials > 1000 {
			return // planning is bounded by the spec's own size
		}
		_, _ = s.Plan()
	})
}

// TestKilledWorkersUntilDone runs a four-trial sweep as two shards whose
// worker processes are killed with SIGKILL at random instants and started
// again until the sweep completes, then holds every trial's final weights
// to those of the same sweep run without interruption, byte for byte, and
// checks that each trial has one result.
func TestKilledWorkersUntilDone(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on real MNIST in child processes")
	}
	if _, err := mnist.DefaultDir(); err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	specPath := filepath.Join(dir, "spec.yaml")
	spec := "base: {hidden: 8, epochs: 6, batch: 25, train_limit: 500, validation: 100}\ngrid: {lr: [0.02, 0.05], k: [1, 2]}\n"
	if err := os.WriteFile(specPath, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := LoadSpec(specPath)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.Plan()
	if err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(dir, "whole")
	start := time.Now()
	for shard := range 2 {
		if err := startWorker(t, specPath, whole, shard).Wait(); err != nil {
			t.Fatalf("uninterrupted shard %d: %v", shard, err)
		}
	}
	span := time.Since(start) / 2 // one shard's life
	killed := filepath.Join(dir, "killed")
	rng := rand.New(rand.NewPCG(5, 6))
	kills := 0
	for shard := range 2 {
		for attempt := 0; ; attempt++ {
			if attempt > 100 {
				t.Fatalf("shard %d: no end after %d attempts", shard, attempt)
			}
			cmd := startWorker(t, specPath, killed, shard)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			if attempt < 6 {
				select {
				case err = <-done:
				case <-time.After(time.Duration(rng.Int64N(int64(span)))):
					_ = cmd.Process.Signal(syscall.SIGKILL)
					err = <-done
				}
			} else {
				err = <-done
			}
			var exit *exec.ExitError
			if errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signaled() {
				kills++
				continue
			}
			if err != nil {
				t.Fatalf("shard %d, attempt %d: %v", shard, attempt, err)
			}
			break
		}
	}
	t.Logf("%d kills", kills)
	for _, tr := range plan.Trials {
		a := filepath.Join(whole, TrialsDir, tr.ID)
		b := filepath.Join(killed, TrialsDir, tr.ID)
		for _, f := range []string{"model.safetensors", "trainer.safetensors"} {
			wa, err := os.ReadFile(filepath.Join(a, "checkpoints", "epoch-000006", f))
			if err != nil {
				t.Fatal(err)
			}
			wb, err := os.ReadFile(filepath.Join(b, "checkpoints", "epoch-000006", f))
			if err != nil {
				t.Fatalf("trial %s: %v", tr.ID, err)
			}
			if !bytes.Equal(wa, wb) {
				t.Errorf("trial %s: %s differs from the uninterrupted sweep's", tr.ID, f)
			}
		}
		var r Result
		rb, err := os.ReadFile(filepath.Join(b, ResultName))
		if err != nil || json.Unmarshal(rb, &r) != nil || r.Status != StatusDone || r.Epochs != 6 {
			t.Errorf("trial %s: result %s, %v", tr.ID, rb, err)
		}
	}
}
