package dbm

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// The evaluation half of the energy-model contract (evaluate.Evaluable), as
// eval uses it.

// Visible is the number of visible units.
func (t *Trainer) Visible() int { return t.DBM.Visible() }

// DataFreeEnergy returns, for each row of data, minus the mean-field
// E_q[−E(v, h)] + H(q): an upper bound on the free energy F(v), so that
// −DataFreeEnergy − log Z is the variational lower bound on log p(v) that
// Salakhutdinov & Hinton report.
func (t *Trainer) DataFreeEnergy(data *tensor.Dense) []float64 {
	b := t.DBM.BoundTerms(data, t.cfg.MeanField)
	for i := range b {
		b[i] = -b[i]
	}
	return b
}

// VariationalBound says that log-likelihoods from DataFreeEnergy are lower
// bounds.
func (t *Trainer) VariationalBound() bool { return true }

// AnnealLogZ estimates log Z by AIS over the even layers from a base
// model fitted to the data: the base rates of the training images for the
// visible units and, for each even hidden layer, of the mean-field
// posteriors of (up to baseImages of) them, so that the annealing starts
// near the model's marginals (with fair coins there, a layer whose units
// are mostly off, as a trained DBM's top layer is, starts far away).
func (t *Trainer) AnnealLogZ(train *tensor.Dense, cfg ais.Config) (ais.Estimate, error) {
	base, err := t.DBM.BaseModel(train)
	if err != nil {
		return ais.Estimate{}, err
	}
	return t.DBM.AIS(base, cfg)
}

// baseImages bounds the images whose mean-field posteriors fit the base
// model's hidden layers.
const baseImages = 10000

// BaseModel returns the biases of AIS's base model fitted to data [N, n_0]:
// base[0] the base rates of the images (ais.BaseRates), base[l] for each
// even hidden layer those of the mean-field means of its first baseImages
// rows (the same smoothing), nil for the odd layers.
func (d *DBM) BaseModel(data *tensor.Dense) ([][]float64, error) {
	bA, err := ais.BaseRates(data)
	if err != nil {
		return nil, err
	}
	layers := d.Layers()
	base := make([][]float64, len(layers))
	base[0] = bA
	if len(layers) < 3 {
		return base, nil
	}
	n := min(data.Shape()[0], baseImages)
	x := numeric.Data[float32](data)[:n*layers[0]]
	means := make([][]float32, len(layers))
	for l := 2; l < len(layers); l += 2 {
		means[l] = make([]float32, n*layers[l])
	}
	d.eachMeanField(tensor.New(tensor.WithShape(n, layers[0]), tensor.WithBacking(x)), MeanFieldConfig{Iters: 30, Tol: 1e-5},
		func(lo, rows int, mu [][]float32) {
			for l := 2; l < len(layers); l += 2 {
				copy(means[l][lo*layers[l]:], mu[l][:rows*layers[l]])
			}
		})
	for l := 2; l < len(layers); l += 2 {
		if base[l], err = ais.BaseRates(tensor.New(tensor.WithShape(n, layers[l]), tensor.WithBacking(means[l]))); err != nil {
			return nil, err
		}
	}
	return base, nil
}

// EnumerateLogZ returns log Z exactly when the odd or the even layers hold
// at most limit units in all, and ok false otherwise.
func (t *Trainer) EnumerateLogZ(limit int) (float64, bool, error) {
	var bits [2]int
	for l, n := range t.DBM.Layers() {
		bits[l%2] += n
	}
	if min(bits[0], bits[1]) > limit {
		return 0, false, nil
	}
	z, err := t.DBM.ExactLogZ(limit)
	return z, err == nil, err
}

// Filters returns the couplings of the first n units of the first hidden
// layer to the pixels.
func (t *Trainer) Filters(n int) [][]float64 {
	d := t.DBM
	return numeric.Columns(d.w(0), d.n(0), d.n(1), n)
}

// Samples runs n Gibbs chains of the whole DBM for steps sweeps from
// random states (every unit a fair coin) and returns p(v|h1) of the last.
func (t *Trainer) Samples(n, steps int, rng *rand.Rand, progress func(done int)) ([][]float64, error) {
	if n < 1 || steps < 1 {
		return nil, fmt.Errorf("dbm: %d samples after %d Gibbs steps", n, steps)
	}
	d := t.DBM
	layers := d.Layers()
	xs, ps := make([][]float32, len(layers)), make([][]float32, len(layers))
	key := rng.Uint64()
	streams := make([]numeric.Stream, n)
	for r := range streams {
		streams[r] = numeric.NewStream(key, uint64(r), 0)
	}
	for l, k := range layers {
		xs[l], ps[l] = make([]float32, n*k), make([]float32, n*k)
		for i := range ps[l] {
			ps[l][i] = 0.5
		}
		for r := range n {
			numeric.BernoulliRow(xs[l][r*k:(r+1)*k], ps[l][r*k:(r+1)*k], &streams[r])
		}
	}
	// The same sweep as AIS's, at β = 1.
	for step := range steps {
		d.oddInputs(xs, ps, n)
		d.temperedSweep(xs, ps, n, 1, nil, streams)
		if progress != nil && ((step+1)%10 == 0 || step+1 == steps) {
			progress(step + 1)
		}
	}
	return numeric.Rows(numeric.ToFloat64(ps[0]), n, layers[0]), nil
}
