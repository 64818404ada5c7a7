package serve

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/sweep"
	"github.com/boltzmann-go/boltzmann/train"
)

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) handleRuns(w http.ResponseWriter, r *http.Request) {
	l, err := s.list()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, l)
}

// RunDetail is a run's page: its summary, configuration and report.
type RunDetail struct {
	RunSummary
	Version     string          `json:"version,omitempty"`
	Config      json.RawMessage `json:"config,omitempty"`
	Report      json.RawMessage `json:"report,omitempty"`
	Stages      []Stage         `json:"stages,omitempty"`
	Checkpoints []string        `json:"checkpoints"`
}

// Stage is a stage of training and the epoch it starts at, for the curves.
type Stage struct {
	Name  string `json:"name"`
	Start int    `json:"start"`
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	dir, rel, ok := s.runDir(w, r)
	if !ok {
		return
	}
	d := RunDetail{RunSummary: s.summary(dir, rel), Checkpoints: []string{}}
	if names, err := checkpoint.List(dir); err == nil {
		d.Checkpoints = names
	}
	if ck, err := s.latest(dir); err == nil {
		if m, cfg, err := readManifest(ck); err == nil {
			d.Version, d.Config = m.Version, m.Config
			if k, err := cfg.Kind(); err == nil && k.Stages != nil {
				start := 0
				for _, st := range k.Stages(*cfg) {
					d.Stages = append(d.Stages, Stage{Name: st.Name, Start: start})
					start += st.Epochs
				}
			}
		}
	}
	if p, err := s.inside(reportFile(dir)); err == nil {
		if b, err := readLimited(p, 16<<20); err == nil && json.Valid(b) {
			d.Report = b
		}
	}
	writeJSON(w, d)
}

// metricsOffset is where in the metrics file the request asks to read
// from: a byte offset and the number of the line there (the start of the
// file when either is missing or out of range).
func metricsOffset(r *http.Request) (int64, int) {
	from, _ := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	line, _ := strconv.Atoi(r.URL.Query().Get("line"))
	if from < 0 || line < 1 {
		return 0, 1
	}
	return from, line
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	dir, _, ok := s.runDir(w, r)
	if !ok {
		return
	}
	from, line := metricsOffset(r)
	p, err := s.file(dir, train.MetricsFile)
	if errors.Is(err, errOutside) {
		http.Error(w, "forbidden: "+err.Error(), http.StatusForbidden)
		return
	}
	if err != nil {
		writeJSON(w, &MetricsChunk{Records: []map[string]any{}, Bad: []BadLine{}, Line: 1})
		return
	}
	c, err := readMetrics(p, from, line)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, c)
}

// SweepDetail is a sweep's leaderboard (as eval -sweep writes it) and its
// trials.
type SweepDetail struct {
	Path   string     `json:"path"`
	Header []string   `json:"header"`
	Rows   [][]string `json:"rows"`
	Trials []string   `json:"trials"` // paths of the trials' run directories
}

func (s *Server) handleSweep(w http.ResponseWriter, r *http.Request) {
	dir, rel, ok := s.runDir(w, r)
	if !ok {
		return
	}
	d := SweepDetail{Path: rel, Header: []string{}, Rows: [][]string{}, Trials: []string{}}
	if entries, err := os.ReadDir(filepath.Join(dir, sweep.TrialsDir)); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				d.Trials = append(d.Trials, strings.TrimPrefix(rel+"/", "./")+sweep.TrialsDir+"/"+e.Name())
			}
		}
	}
	if p, err := s.file(dir, "leaderboard.csv"); err == nil {
		if b, err := readLimited(p, 16<<20); err == nil {
			if recs, err := csv.NewReader(strings.NewReader(string(b))).ReadAll(); err == nil && len(recs) > 0 {
				d.Header, d.Rows = recs[0], recs[1:]
			}
		}
	}
	writeJSON(w, d)
}
