package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
	"github.com/boltzmann-go/boltzmann/internal/optional"
)

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
		*dst[i] = optional.Float(*p)
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
		*p = optional.Value(*src[i])
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
	return atomicfile.WriteFile(path, out.Bytes())
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
