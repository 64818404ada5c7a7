package kinds

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// This file is a trained model's use from code, in plain rows: load it with
// [Load] (a run, a checkpoint or an exported model such as the pretrained
// ones under experiments/*/models), then ask for its features, free
// energies and samples. Each works for every kind that supplies the
// contract it needs (evaluate.Classifiable, evaluate.Evaluable), with no
// code here for any one kind.

// Visible is the number of visible units the model takes in each row (0
// for a model that has none, such as a Hopfield memory's, which has its
// own API in package hopfield).
func (l *Loaded) Visible() int {
	if m, ok := l.Model.(interface{ Visible() int }); ok {
		return m.Visible()
	}
	return 0
}

// Features returns the model's representation of each row: p(h = 1 | v)
// for an RBM, the mean-field posteriors of every hidden layer side by side
// for a DBM. Rows hold one value per visible unit, in the units the model
// was trained on ([0, 1] for binary models).
func (l *Loaded) Features(rows [][]float32) ([][]float32, error) {
	m, ok := l.Model.(evaluate.Classifiable)
	if !ok {
		return nil, fmt.Errorf("%s: a %s model has no features", l.Dir, l.Config.Model)
	}
	x, err := l.batch(rows)
	if err != nil {
		return nil, err
	}
	f := m.Features(x)
	return float32Rows(numeric.Rows(numeric.ToFloat64(f.Data()), f.Shape()[0], f.Shape()[1])), nil
}

// float32Rows converts rows to float32 (exactly, for values that came
// from float32).
func float32Rows(rows [][]float64) [][]float32 {
	out := make([][]float32, len(rows))
	for i, row := range rows {
		out[i] = make([]float32, len(row))
		for j, v := range row {
			out[i][j] = float32(v)
		}
	}
	return out
}

// FreeEnergy returns F(v) for each row, so that log p(v) = −F(v) − log Z
// (eval's report gives log Z). For a DBM it is the mean-field variational
// free energy, −(E_q[−E(v, h)] + H(q)), so −F − log Z is the lower bound
// on log p(v) that the results quote.
func (l *Loaded) FreeEnergy(rows [][]float32) ([]float64, error) {
	m, ok := l.Model.(evaluate.Density)
	if !ok {
		return nil, fmt.Errorf("%s: a %s model has no free energy", l.Dir, l.Config.Model)
	}
	x, err := l.batch(rows)
	if err != nil {
		return nil, err
	}
	return m.DataFreeEnergy(x), nil
}

// Samples returns n samples of the model's visible units, each the
// visible means after steps Gibbs sweeps from random states; seed fixes
// every random choice.
func (l *Loaded) Samples(n, steps int, seed uint64) ([][]float32, error) {
	m, ok := l.Model.(evaluate.Sampler)
	if !ok {
		return nil, fmt.Errorf("%s: a %s model has no sampler", l.Dir, l.Config.Model)
	}
	s, err := m.Samples(n, steps, evaluate.SampleSource(seed), nil)
	if err != nil {
		return nil, err
	}
	return float32Rows(s), nil
}

// batch packs rows into one [N, visible] tensor of the model's dtype,
// refusing a row of the wrong width or a value that is not finite.
func (l *Loaded) batch(rows [][]float32) (*tensor.Dense, error) {
	width := l.Visible()
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows given", l.Dir)
	}
	n := len(rows)
	var back any
	var put func(i int, v float32)
	if l.Config.Dtype() == tensor.Float64 {
		d := make([]float64, n*width)
		back, put = d, func(i int, v float32) { d[i] = float64(v) }
	} else {
		d := make([]float32, n*width)
		back, put = d, func(i int, v float32) { d[i] = v }
	}
	for i, row := range rows {
		if len(row) != width {
			return nil, fmt.Errorf("%s: row %d has %d values, the model has %d visible units", l.Dir, i, len(row), width)
		}
		for j, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s: row %d, value %d is %v", l.Dir, i, j, v)
			}
			put(i*width+j, v)
		}
	}
	return tensor.New(tensor.WithShape(n, width), tensor.WithBacking(back)), nil
}
