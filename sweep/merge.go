package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/picture"
)

// Leaderboard is a merged sweep.
type Leaderboard struct {
	Metric  string
	Fields  []string
	Ranked  []Result // finished trials, best first
	Failed  []Result
	Missing []Trial // no result.json yet
	Dir     string
}

// HigherIsBetter reports the direction of a metric.
func HigherIsBetter(metric string) bool { return metric != MetricValidRecon }

// Merge reads a sweep directory's plan and every trial's result, and ranks
// the finished trials by metric (the plan's when empty). A trial without
// the metric in its result (test_ll asked of a sweep that did not run AIS)
// is an error naming it.
func Merge(dir, metric string) (*Leaderboard, error) {
	b, err := os.ReadFile(filepath.Join(dir, PlanName))
	if err != nil {
		return nil, fmt.Errorf("sweep: %w (is %s a sweep directory?)", err, dir)
	}
	var plan PlanFile
	if err := json.Unmarshal(b, &plan); err != nil {
		return nil, fmt.Errorf("sweep: %s: %w", filepath.Join(dir, PlanName), err)
	}
	if metric == "" {
		metric = plan.Metric
	}
	lb := &Leaderboard{Metric: metric, Fields: plan.Fields, Dir: dir}
	for _, t := range plan.Trials {
		path := filepath.Join(dir, TrialsDir, t.ID, ResultName)
		rb, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			lb.Missing = append(lb.Missing, t)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("sweep: %w", err)
		}
		var r Result
		if err := json.Unmarshal(rb, &r); err != nil {
			return nil, fmt.Errorf("sweep: %s: %w", path, err)
		}
		if r.Status != StatusDone {
			lb.Failed = append(lb.Failed, r)
			continue
		}
		if _, ok := r.Metrics[metric]; !ok {
			return nil, fmt.Errorf("sweep: %s has no %s (the sweep's metric is %s)", path, metric, plan.Metric)
		}
		lb.Ranked = append(lb.Ranked, r)
	}
	sort.SliceStable(lb.Ranked, func(i, j int) bool {
		a, b := lb.Ranked[i].Metrics[metric], lb.Ranked[j].Metrics[metric]
		if HigherIsBetter(metric) {
			return a > b
		}
		return a < b
	})
	return lb, nil
}

// TrialDir is the directory of trial id.
func (lb *Leaderboard) TrialDir(id string) string { return filepath.Join(lb.Dir, TrialsDir, id) }

func formatValue(v any) string {
	switch x := v.(type) {
	case float64:
		return strconv.FormatFloat(x, 'g', 4, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// CSV is the leaderboard as CSV: every trial, ranked ones first, with its
// swept values, metrics and directory.
func (lb *Leaderboard) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	head := append([]string{"rank", "index", "id", "status"}, lb.Fields...)
	head = append(head, MetricValidPLL, MetricValidRecon, MetricTestLL, "epochs", "seconds", "dir")
	_ = w.Write(head)
	row := func(rank string, r Result) {
		rec := []string{rank, strconv.Itoa(r.Index), r.ID, r.Status}
		for _, f := range lb.Fields {
			rec = append(rec, formatValue(r.Params[f]))
		}
		for _, m := range []string{MetricValidPLL, MetricValidRecon, MetricTestLL} {
			if v, ok := r.Metrics[m]; ok {
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			} else {
				rec = append(rec, "")
			}
		}
		rec = append(rec, strconv.Itoa(r.Epochs), strconv.FormatFloat(r.Seconds, 'f', 1, 64), lb.TrialDir(r.ID))
		_ = w.Write(rec)
	}
	for i, r := range lb.Ranked {
		row(strconv.Itoa(i+1), r)
	}
	for _, r := range lb.Failed {
		row("", r)
	}
	for _, t := range lb.Missing {
		row("", Result{ID: t.ID, Index: t.Index, Params: t.Params, Status: "missing"})
	}
	w.Flush()
	return b.Bytes()
}

// Markdown is the ranked table followed by the failed and missing trials.
func (lb *Leaderboard) Markdown() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "| rank | trial | %s | %s |\n|---|---|", strings.Join(lb.Fields, " | "), lb.Metric)
	b.WriteString(strings.Repeat("---|", len(lb.Fields)+1) + "\n")
	for i, r := range lb.Ranked {
		fmt.Fprintf(&b, "| %d | %s |", i+1, r.ID)
		for _, f := range lb.Fields {
			fmt.Fprintf(&b, " %s |", formatValue(r.Params[f]))
		}
		fmt.Fprintf(&b, " %.4f |\n", r.Metrics[lb.Metric])
	}
	if len(lb.Ranked) > 0 {
		fmt.Fprintf(&b, "\nbest: %s (%s %.4f)\n", lb.TrialDir(lb.Ranked[0].ID), lb.Metric, lb.Ranked[0].Metrics[lb.Metric])
	}
	for _, r := range lb.Failed {
		fmt.Fprintf(&b, "\nfailed: trial %d %s %v: %s", r.Index, r.ID, r.Params, r.Error)
	}
	for _, t := range lb.Missing {
		fmt.Fprintf(&b, "\nmissing: trial %d %s %v", t.Index, t.ID, t.Params)
	}
	if len(lb.Failed)+len(lb.Missing) > 0 {
		b.WriteString("\n")
	}
	return b.Bytes()
}

// SVG plots the metric against each swept field, one panel a field; a
// field of words is plotted at the positions of its values in order of
// first appearance, named in the axis label.
func (lb *Leaderboard) SVG() []byte {
	var panels []picture.Panel
	for _, f := range lb.Fields {
		s := picture.Series{Name: lb.Metric, Points: true}
		var words []string
		label := f
		for _, r := range lb.Ranked {
			x, ok := asNumber(r.Params[f])
			if !ok {
				w := fmt.Sprint(r.Params[f])
				k := slices.Index(words, w)
				if k < 0 {
					words = append(words, w)
					k = len(words) - 1
				}
				x = float64(k)
			}
			s.X = append(s.X, x)
			s.Y = append(s.Y, r.Metrics[lb.Metric])
		}
		if len(words) > 0 {
			label = fmt.Sprintf("%s (0…%d: %s)", f, len(words)-1, strings.Join(words, ", "))
		}
		panels = append(panels, picture.Panel{Title: lb.Metric + " against " + f, XLabel: label, Series: []picture.Series{s}})
	}
	return picture.Charts(panels)
}

func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case int:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// Write saves leaderboard.csv, leaderboard.md and leaderboard.svg in the
// sweep directory, each atomically.
func (lb *Leaderboard) Write() error {
	for name, data := range map[string][]byte{"leaderboard.csv": lb.CSV(), "leaderboard.md": lb.Markdown(), "leaderboard.svg": lb.SVG()} {
		if err := atomicfile.WriteFile(filepath.Join(lb.Dir, name), data); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
	}
	return nil
}
