package serve

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/sweep"
	"github.com/boltzmann-go/boltzmann/train"
)

// The statuses of a run.
const (
	StatusTraining    = "training"
	StatusFinished    = "finished"
	StatusInterrupted = "interrupted"
	StatusDiverged    = "diverged"
)

// RunSummary is one run as the list shows it.
type RunSummary struct {
	Path       string              `json:"path"` // relative to DIR, with slashes
	Sweep      string              `json:"sweep,omitempty"`
	Kind       string              `json:"kind"`
	Shape      string              `json:"shape"`
	Status     string              `json:"status"`
	Epoch      int                 `json:"epoch"`
	Total      int                 `json:"total"`
	Checkpoint string              `json:"checkpoint,omitempty"`
	Last       map[string]*float64 `json:"last"`
	TestLL     *float64            `json:"test_ll,omitempty"`
	TestLLLo   *float64            `json:"test_ll_lo,omitempty"`
	TestLLHi   *float64            `json:"test_ll_hi,omitempty"`
	Updated    time.Time           `json:"updated"`
	Problems   []string            `json:"problems,omitempty"` // malformed files, shown as such
}

// SweepSummary is one sweep directory.
type SweepSummary struct {
	Path        string `json:"path"`
	Trials      int    `json:"trials"`
	Leaderboard bool   `json:"leaderboard"`
}

// Listing is every run and sweep under DIR.
type Listing struct {
	Runs   []RunSummary   `json:"runs"`
	Sweeps []SweepSummary `json:"sweeps"`
}

// skipDirs are the folders inside a run that hold no runs.
var skipDirs = map[string]bool{checkpoint.Dir: true, evaluate.ReportDir: true, "check": true}

// list finds every run and sweep under the root.
func (s *Server) list() (*Listing, error) {
	out := &Listing{Runs: []RunSummary{}, Sweeps: []SweepSummary{}}
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == s.root {
				return err
			}
			return nil // an unreadable folder is left out
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if p != s.root && (strings.HasPrefix(name, ".") || skipDirs[name] || strings.HasPrefix(name, "finetune")) {
			return filepath.SkipDir
		}
		rel := s.rel(p)
		if isDir(filepath.Join(p, sweep.TrialsDir)) {
			entries, _ := os.ReadDir(filepath.Join(p, sweep.TrialsDir))
			out.Sweeps = append(out.Sweeps, SweepSummary{Path: rel, Trials: len(entries), Leaderboard: isFile(filepath.Join(p, "leaderboard.csv"))})
		}
		if isFile(filepath.Join(p, train.MetricsFile)) || isDir(filepath.Join(p, checkpoint.Dir)) {
			out.Runs = append(out.Runs, s.summary(p, rel))
		}
		return nil
	})
	return out, err
}

// rel is p relative to the root, with slashes ("." for the root).
func (s *Server) rel(p string) string {
	r, err := filepath.Rel(s.root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// summaryKey is what a cached summary depends on.
type summaryKey struct {
	metricsSize int64
	metricsTime time.Time
	checkpoint  string
	reportTime  time.Time
	diverged    time.Time
	held        bool
}

type cachedSummary struct {
	key summaryKey
	sum RunSummary
}

// summary describes the run in dir, from the cache when nothing it
// depends on has changed.
func (s *Server) summary(dir, rel string) RunSummary {
	var key summaryKey
	if st, err := os.Lstat(filepath.Join(dir, train.MetricsFile)); err == nil && st.Mode().IsRegular() {
		key.metricsSize, key.metricsTime = st.Size(), st.ModTime()
	}
	if ck, err := s.latest(dir); err == nil {
		key.checkpoint = ck
	}
	if st, err := os.Lstat(reportFile(dir)); err == nil {
		key.reportTime = st.ModTime()
	}
	if st, err := os.Lstat(filepath.Join(dir, train.DivergedFile)); err == nil {
		key.diverged = st.ModTime()
	}
	key.held = checkpoint.Held(dir)
	s.mu.Lock()
	c, ok := s.summaries[dir]
	s.mu.Unlock()
	if ok && c.key == key {
		return c.sum
	}
	sum := s.describe(dir, rel, key)
	s.mu.Lock()
	s.summaries[dir] = cachedSummary{key: key, sum: sum}
	s.mu.Unlock()
	return sum
}

// reportFile is where eval saves its report in the run directory dir.
func reportFile(dir string) string {
	return filepath.Join(dir, evaluate.ReportDir, evaluate.ReportFile)
}

// latest is the run's latest checkpoint directory, if it lies inside the
// root.
func (s *Server) latest(dir string) (string, error) {
	ck, err := checkpoint.Latest(dir)
	if err != nil {
		return "", err
	}
	return s.inside(ck)
}

// manifest is the part of a checkpoint's config.json the page shows.
type manifest struct {
	Kind     string              `json:"kind"`
	Progress checkpoint.Progress `json:"progress"`
	Version  string              `json:"version"`
	Tensors  map[string]struct {
		Shape []int `json:"shape"`
	} `json:"tensors"`
	Config json.RawMessage `json:"config"`
}

func readManifest(ckDir string) (*manifest, *kinds.Config, error) {
	b, err := readLimited(filepath.Join(ckDir, checkpoint.ConfigFile), 16<<20)
	if err != nil {
		return nil, nil, err
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, nil, fmt.Errorf("%s is malformed: %v", checkpoint.ConfigFile, err)
	}
	cfg := kinds.Defaults()
	if len(m.Config) > 0 {
		if err := json.Unmarshal(m.Config, &cfg); err != nil {
			return &m, nil, fmt.Errorf("%s: config is malformed: %v", checkpoint.ConfigFile, err)
		}
	}
	return &m, &cfg, nil
}

// describe reads what the list shows of one run.
func (s *Server) describe(dir, rel string, key summaryKey) RunSummary {
	sum := RunSummary{Path: rel, Last: map[string]*float64{}, Checkpoint: filepath.Base(key.checkpoint), Updated: key.metricsTime}
	if key.checkpoint == "" {
		sum.Checkpoint = ""
	}
	if i := strings.Index(rel, "/"+sweep.TrialsDir+"/"); i >= 0 {
		sum.Sweep = rel[:i]
	} else if strings.HasPrefix(rel, sweep.TrialsDir+"/") {
		sum.Sweep = "."
	}
	var prog checkpoint.Progress
	if key.checkpoint != "" {
		m, cfg, err := readManifest(key.checkpoint)
		if err != nil {
			sum.Problems = append(sum.Problems, fmt.Sprintf("checkpoint %s: %v", sum.Checkpoint, err))
		}
		if m != nil {
			sum.Kind, prog = m.Kind, m.Progress
			sum.Shape = shapeOf(m)
		}
		if cfg != nil {
			sum.Total = cfg.TotalEpochs()
		}
	}
	sum.Epoch = prog.Epoch
	if key.metricsSize > 0 {
		last, err := lastRecord(filepath.Join(dir, train.MetricsFile), key.metricsSize)
		if err != nil {
			sum.Problems = append(sum.Problems, err.Error())
		}
		if last != nil {
			if e, ok := last["epoch"].(float64); ok {
				sum.Epoch = int(e)
			}
			for _, k := range []string{"valid_recon_error", "valid_pll", "valid_free_energy", "train_recon_error", "train_pll", "train_free_energy"} {
				if x, ok := last[k].(float64); ok {
					sum.Last[k] = &x
				}
			}
		}
	}
	if b, err := readLimited(reportFile(dir), 16<<20); err == nil {
		var rep struct {
			TestLL   *float64 `json:"test_ll"`
			TestLLLo *float64 `json:"test_ll_lo"`
			TestLLHi *float64 `json:"test_ll_hi"`
		}
		if err := json.Unmarshal(b, &rep); err != nil {
			sum.Problems = append(sum.Problems, fmt.Sprintf("%s/%s is malformed", evaluate.ReportDir, evaluate.ReportFile))
		} else {
			sum.TestLL, sum.TestLLLo, sum.TestLLHi = rep.TestLL, rep.TestLLLo, rep.TestLLHi
		}
	}
	ckTime := time.Time{}
	if st, err := os.Stat(key.checkpoint); err == nil {
		ckTime = st.ModTime()
	}
	switch {
	case key.held:
		sum.Status = StatusTraining
	case !key.diverged.IsZero() && (key.checkpoint == "" || key.diverged.After(ckTime)):
		sum.Status = StatusDiverged
	case key.checkpoint != "" && sum.Total > 0 && prog.Epoch >= sum.Total && prog.Batch == 0:
		sum.Status = StatusFinished
	default:
		sum.Status = StatusInterrupted
	}
	return sum
}

// shapeOf describes a model's layers: 784×500 for an RBM, 784-500-1000
// for a DBM, "784 units" for a Hopfield network.
// A deep model's layers are its weights W1, W2, … in order, each [below,
// above].
func shapeOf(m *manifest) string {
	if t, ok := m.Tensors["W1"]; ok && len(t.Shape) == 2 {
		parts := []string{fmt.Sprint(t.Shape[0])}
		for i := 1; ok && len(t.Shape) == 2; i++ {
			parts = append(parts, fmt.Sprint(t.Shape[1]))
			t, ok = m.Tensors[fmt.Sprintf("W%d", i+1)]
		}
		return strings.Join(parts, "-")
	}
	if t, ok := m.Tensors["W"]; ok && len(t.Shape) == 2 {
		return fmt.Sprintf("%d×%d", t.Shape[0], t.Shape[1])
	}
	if t, ok := m.Tensors["patterns"]; ok && len(t.Shape) == 2 {
		return fmt.Sprintf("%d units, %d patterns", t.Shape[1], t.Shape[0])
	}
	return ""
}
