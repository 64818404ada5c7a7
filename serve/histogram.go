package serve

import (
	"math"
	"net/http"

	"github.com/boltzmann-go/boltzmann/checkpoint"
)

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

// handleHistograms sends a histogram of every floating-point tensor of
// the latest checkpoint's model.
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

// histogram bins vals evenly between their least and greatest finite
// values; NaNs and infinities are left out of every statistic.
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
