package serve

import (
	"context"
	"embed"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/boltzmann-go/boltzmann/checkpoint"
	"github.com/boltzmann-go/boltzmann/data/files"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/kinds"
	"github.com/boltzmann-go/boltzmann/sweep"
	"github.com/boltzmann-go/boltzmann/train"
)

//go:embed static
var static embed.FS

// Server serves the page for the runs under one directory.
type Server struct {
	root string // absolute, symbolic links resolved

	// Poll is how often an event stream looks for new lines and
	// checkpoints (one second by default).
	Poll time.Duration

	mu        sync.Mutex
	summaries map[string]cachedSummary
	pictures  map[string][]byte // by checkpoint directory and picture
	order     []string          // pictures' keys, oldest first
	render    sync.Mutex        // one picture rendered at a time
}

// New serves the runs under dir.
func New(dir string) (*Server, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	if !isDir(root) {
		return nil, fmt.Errorf("serve: %s is not a directory", dir)
	}
	return &Server{root: root, Poll: time.Second, summaries: map[string]cachedSummary{}, pictures: map[string][]byte{}}, nil
}

// Handler is the page and its API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	sub, _ := fs.Sub(static, "static")
	mux.Handle("/static/", http.StripPrefix("/static/", http.FileServerFS(sub)))
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeFileFS(w, r, sub, "index.html")
	})
	mux.HandleFunc("/api/runs", s.handleRuns)
	mux.HandleFunc("/api/run", s.handleRun)
	mux.HandleFunc("/api/metrics", s.handleMetrics)
	mux.HandleFunc("/api/events", s.handleEvents)
	mux.HandleFunc("/api/picture", s.handlePicture)
	mux.HandleFunc("/api/histograms", s.handleHistograms)
	mux.HandleFunc("/api/sweep", s.handleSweep)
	return readOnly(mux)
}

// readOnly refuses every method but GET and HEAD, and sets headers that
// keep the page to itself.
func readOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "read-only: GET and HEAD only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'")
		h.ServeHTTP(w, r)
	})
}

// errOutside refuses a path that leaves the root.
var errOutside = errors.New("path outside the served directory")

// resolve turns a path relative to the root (slashes) into an absolute
// path inside it, refusing absolute paths, "..", and symbolic links that
// lead out.
func (s *Server) resolve(rel string) (string, error) {
	if rel == "" || rel == "." {
		return s.root, nil
	}
	if strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, `\`) || filepath.IsAbs(rel) || strings.Contains(rel, "\x00") {
		return "", errOutside
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == ".." {
			return "", errOutside
		}
	}
	return s.inside(filepath.Join(s.root, filepath.FromSlash(rel)))
}

// inside resolves p's symbolic links and checks that it lies under the
// root.
func (s *Server) inside(p string) (string, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	if real != s.root && !strings.HasPrefix(real, s.root+string(filepath.Separator)) {
		return "", errOutside
	}
	return real, nil
}

// runDir resolves the request's path parameter to a run directory.
func (s *Server) runDir(w http.ResponseWriter, r *http.Request) (string, string, bool) {
	rel := r.URL.Query().Get("path")
	dir, err := s.resolve(rel)
	switch {
	case errors.Is(err, errOutside):
		http.Error(w, "forbidden: "+err.Error(), http.StatusForbidden)
		return "", "", false
	case err != nil || !isDir(dir):
		http.Error(w, "no run at "+strconv.Quote(rel), http.StatusNotFound)
		return "", "", false
	}
	return dir, s.rel(dir), true
}

// file resolves a file inside a run directory, refusing one that is a
// link out of the root.
func (s *Server) file(dir, name string) (string, error) {
	return s.inside(filepath.Join(dir, name))
}

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

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	dir, _, ok := s.runDir(w, r)
	if !ok {
		return
	}
	from, _ := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	line, _ := strconv.Atoi(r.URL.Query().Get("line"))
	if from < 0 || line < 1 {
		from, line = 0, 1
	}
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

// handleEvents streams a run's news as server-sent events: "metrics" with
// the lines added since the last (only those are read), and "summary"
// whenever the run's summary changes (a new checkpoint, a new status).
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	dir, rel, ok := s.runDir(w, r)
	if !ok {
		return
	}
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	from, _ := strconv.ParseInt(r.URL.Query().Get("from"), 10, 64)
	line, _ := strconv.Atoi(r.URL.Query().Get("line"))
	if from < 0 || line < 1 {
		from, line = 0, 1
	}
	send := func(event string, v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
		flusher.Flush()
	}
	var last []byte
	tick := time.NewTicker(s.Poll)
	defer tick.Stop()
	for {
		if p, err := s.file(dir, train.MetricsFile); err == nil {
			if c, err := readMetrics(p, from, line); err == nil && (len(c.Records) > 0 || len(c.Bad) > 0 || c.Reset) {
				send("metrics", c)
				from, line = c.Next, c.Line
			}
		}
		sum := s.summary(dir, rel)
		if b, _ := json.Marshal(sum); string(b) != string(last) {
			send("summary", sum)
			last = b
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// maxPictures bounds the rendered pictures kept.
const maxPictures = 64

// handlePicture renders the latest checkpoint's filters or samples as a
// PNG, once per checkpoint.
func (s *Server) handlePicture(w http.ResponseWriter, r *http.Request) {
	dir, _, ok := s.runDir(w, r)
	if !ok {
		return
	}
	what := r.URL.Query().Get("what")
	if what != "filters" && what != "samples" {
		http.Error(w, "what: want filters or samples", http.StatusBadRequest)
		return
	}
	ck, err := s.latest(dir)
	if err != nil {
		http.Error(w, "no checkpoint yet", http.StatusNotFound)
		return
	}
	key := ck + "|" + what
	s.mu.Lock()
	b, ok := s.pictures[key]
	s.mu.Unlock()
	if !ok {
		s.render.Lock()
		b, err = renderPicture(r.Context(), ck, what)
		s.render.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnprocessableEntity)
			return
		}
		s.mu.Lock()
		s.pictures[key] = b
		s.order = append(s.order, key)
		if len(s.order) > maxPictures {
			delete(s.pictures, s.order[0])
			s.order = s.order[1:]
		}
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// pictureSteps is the Gibbs steps of the page's samples.
const pictureSteps = 200

// renderPicture draws a checkpoint's filters (or a Hopfield network's
// stored patterns) or samples.
func renderPicture(ctx context.Context, ck, what string) ([]byte, error) {
	loaded, err := kinds.Load(ck)
	if err != nil {
		return nil, err
	}
	var tiles [][]float64
	scale := picture.PerTile
	ok := false
	if what == "filters" {
		tiles, scale, ok = evaluate.FilterPicture(loaded.Model, 100)
	} else {
		scale = picture.Unit
		if tiles, ok, err = evaluate.SamplePicture(loaded.Model, 100, pictureSteps, 1, func(int) {}); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, fmt.Errorf("a %s model has no %s picture", loaded.Config.Model, what)
	}
	if len(tiles) == 0 {
		return nil, errors.New("nothing to draw")
	}
	rows, cols := tileShape(loaded.Config.ImageShape, len(tiles[0]))
	tiles, rows, cols, perRow := picture.Shaped(tiles, rows, cols, 10)
	img, err := picture.Grid(tiles, rows, cols, perRow, 2, scale)
	if err != nil {
		return nil, err
	}
	return picture.EncodePNG(img)
}

// tileShape is the image shape of a run's rows: the configured one, else
// a square, else none (0, 0).
func tileShape(shape string, d int) (int, int) {
	if r, c, err := files.ParseShape(shape); err == nil && r*c == d {
		return r, c
	}
	if r := int(math.Round(math.Sqrt(float64(d)))); r*r == d {
		return r, r
	}
	return 0, 0
}

// Histogram is the distribution of one tensor's values.
type Histogram struct {
	Name   string  `json:"name"`
	Shape  []int   `json:"shape"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	Std    float64 `json:"std"`
	Counts []int   `json:"counts"`
}

// histogramBins is the number of bins of each histogram.
const histogramBins = 40

func (s *Server) handleHistograms(w http.ResponseWriter, r *http.Request) {
	dir, _, ok := s.runDir(w, r)
	if !ok {
		return
	}
	ck, err := s.latest(dir)
	if err != nil {
		http.Error(w, "no checkpoint yet", http.StatusNotFound)
		return
	}
	c, err := checkpoint.Load(ck)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	out := []Histogram{}
	for _, t := range c.Model {
		var vals []float64
		switch x := t.T.Data().(type) {
		case []float32:
			vals = make([]float64, len(x))
			for i, v := range x {
				vals[i] = float64(v)
			}
		case []float64:
			vals = x
		default:
			continue
		}
		out = append(out, histogram(t.Name, t.T.Shape(), vals))
	}
	writeJSON(w, out)
}

func histogram(name string, shape []int, vals []float64) Histogram {
	h := Histogram{Name: name, Shape: shape, Counts: make([]int, histogramBins), Min: math.Inf(1), Max: math.Inf(-1)}
	n := 0
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		h.Min, h.Max = min(h.Min, v), max(h.Max, v)
		h.Mean += v
		n++
	}
	if n == 0 {
		h.Min, h.Max = 0, 0
		return h
	}
	h.Mean /= float64(n)
	width := (h.Max - h.Min) / histogramBins
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		h.Std += (v - h.Mean) * (v - h.Mean)
		b := histogramBins - 1
		if width > 0 {
			b = min(int((v-h.Min)/width), histogramBins-1)
		}
		h.Counts[b]++
	}
	h.Std = math.Sqrt(h.Std / float64(n))
	return h
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
