package dbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/pool"
	"gorgonia.org/tensor"
)

// Kind is the model kind recorded in checkpoints.
const Kind = "dbm"

// DBM is a binary deep Boltzmann machine: layer 0 is visible, layers 1…L
// hidden, and only neighbouring layers are coupled. Parameters are float32.
// A DBM keeps scratch space for mean-field: one goroutine at a time.
type DBM struct {
	W []*tensor.Dense // W[l]: [n_l, n_{l+1}], the couplings of layers l and l+1
	B []*tensor.Dense // B[l]: [n_l], the biases of layer l

	mfOld, mfFromV []float32
	split          *rowSplit // made when first used
	splitOnce      sync.Once
}

// New returns a DBM with the given layer sizes (visible first) and all
// parameters zero.
func New(layers []int) (*DBM, error) {
	if len(layers) < 3 {
		return nil, fmt.Errorf("dbm: layers %v: want the visible layer and at least two hidden layers", layers)
	}
	for i, n := range layers {
		if n < 1 {
			return nil, fmt.Errorf("dbm: layer %d has %d units: want at least 1", i, n)
		}
	}
	d := &DBM{}
	for l, n := range layers {
		d.B = append(d.B, tensor.New(tensor.WithShape(n), tensor.Of(tensor.Float32)))
		if l+1 < len(layers) {
			d.W = append(d.W, tensor.New(tensor.WithShape(n, layers[l+1]), tensor.Of(tensor.Float32)))
		}
	}
	return d, nil
}

// Layers returns the layer sizes, visible first.
func (d *DBM) Layers() []int {
	out := make([]int, len(d.B))
	for l, b := range d.B {
		out[l] = b.Shape()[0]
	}
	return out
}

// Depth is the number of hidden layers.
func (d *DBM) Depth() int { return len(d.W) }

// Visible is the number of visible units.
func (d *DBM) Visible() int { return d.B[0].Shape()[0] }

func (d *DBM) n(l int) int       { return d.B[l].Shape()[0] }
func (d *DBM) w(l int) []float32 { return d.W[l].Float32s() }
func (d *DBM) b(l int) []float32 { return d.B[l].Float32s() }

// InitRandom initialises the parameters as Hinton's practical guide
// advises for an RBM: couplings ~ N(0, 0.01²), visible biases the logits of
// the pixel means of data (clipped to [1e-3, 1−1e-3]), hidden biases 0.
func (d *DBM) InitRandom(data *tensor.Dense, rng *rand.Rand) error {
	if s := data.Shape(); len(s) != 2 || s[1] != d.Visible() || s[0] == 0 {
		return fmt.Errorf("dbm: initialisation data have shape %v, want [N, %d]", s, d.Visible())
	}
	for l := range d.W {
		for i := range d.w(l) {
			d.w(l)[i] = float32(0.01 * rng.NormFloat64())
		}
	}
	x := numeric.ToFloat64(data.Data())
	nv := d.Visible()
	mean := make([]float64, nv)
	for k, v := range x {
		mean[k%nv] += v
	}
	rows := float64(len(x) / nv)
	for i := range mean {
		p := min(max(mean[i]/rows, 1e-3), 1-1e-3)
		d.b(0)[i] = float32(math.Log(p / (1 - p)))
	}
	for l := 1; l < len(d.B); l++ {
		clear(d.b(l))
	}
	return nil
}

// product sets dst [rows, n_l] to sb·below·W[l−1] + sa·above·W[l]ᵀ, where
// below [rows, n_{l−1}] and above [rows, n_{l+1}] are the states of the
// neighbouring layers (nil, or a zero scale, for none).
func (d *DBM) product(dst []float32, l, rows int, below, above []float32, sb, sa float32) {
	n := d.n(l)
	dst = dst[:rows*n]
	clear(dst)
	if below != nil && sb != 0 {
		d.mulRows(false, rows, n, d.n(l-1), sb, below, d.w(l-1), 1, dst)
	}
	if above != nil && sa != 0 {
		d.mulRows(true, rows, n, d.n(l+1), sa, above, d.w(l), 1, dst)
	}
}

// mulRows sets c [rows, n] to alpha·a·op(b) + beta·c, a [rows, k], op(b)
// [k, n] (b [n, k] when transB), its rows split over the cores.
func (d *DBM) mulRows(transB bool, rows, n, k int, alpha float32, a, b []float32, beta float32, c []float32) {
	d.multiply(rowProduct{transB: transB, n: n, k: k, alpha: alpha, beta: beta, a: a, b: b, c: c}, rows)
}

// mulTransA sets c [m, n] to alpha·aᵀ·b + beta·c for a [rows, m] and b
// [rows, n] (the statistics Σ_r a_r b_rᵀ), the rows of c split over the
// cores.
func (d *DBM) mulTransA(m, n, rows int, alpha float32, a, b []float32, beta float32, c []float32) {
	d.multiply(rowProduct{transA: true, n: n, k: rows, lda: m, alpha: alpha, beta: beta, a: a, b: b, c: c}, m)
}

// rowProduct is a product whose rows (of c) are split over the cores, each
// part a single-threaded BLAS call: fastblas sets OpenBLAS to one thread
// when a DBM trains, since its own threads would spin against these.
type rowProduct struct {
	transA, transB bool
	n, k, lda      int // columns of c, inner dimension, and under transA a's row length
	alpha, beta    float32
	a, b, c        []float32
}

// products computes rows lo…hi−1 of c.
func (p *rowProduct) products(lo, hi int) {
	n, k := p.n, p.k
	if p.transA {
		numeric.GemmLD(true, false, hi-lo, n, k, p.alpha, p.a[lo:], p.lda, p.b, n, p.beta, p.c[lo*n:], n)
		return
	}
	numeric.Gemm(false, p.transB, hi-lo, n, k, p.alpha, p.a[lo*k:hi*k], p.b, p.beta, p.c[lo*n:hi*n])
}

// rowSplit is a DBM's pool of goroutines for its products and the
// trainer's sweeps. A product on it allocates nothing: its arguments sit
// in job and its function is bound once.
type rowSplit struct {
	pool *pool.Pool
	mu   sync.Mutex // held by the call using the pool, and with it job
	job  rowProduct
	rows func(lo, hi int) // job.products
}

// rowSplit returns d's pool, made when first used.
func (d *DBM) rowSplit() *rowSplit {
	d.splitOnce.Do(func() {
		s := &rowSplit{pool: pool.New()}
		s.rows = s.job.products
		d.split = s
	})
	return d.split
}

// multiply computes p's rows 0…rows−1 on the pool. Where another
// goroutine holds it (AIS anneals blocks of runs in parallel), it makes
// the same calls one after another on its own, so the result is the same.
func (d *DBM) multiply(p rowProduct, rows int) {
	s := d.rowSplit()
	minBlock := numeric.BlockFor(p.n*p.k/16, 16) // a row: n·k multiply–adds
	if !s.mu.TryLock() {
		s.pool.RangeSerial(rows, minBlock, p.products)
		return
	}
	s.job = p
	s.pool.Range(rows, minBlock, s.rows)
	s.job = rowProduct{} // hold nothing of the caller's
	s.mu.Unlock()
}

// rangeRows runs f over [0, n) on the pool, waiting for it if in use.
func (s *rowSplit) rangeRows(n, minBlock int, f func(lo, hi int)) {
	s.mu.Lock()
	s.pool.Range(n, minBlock, f)
	s.mu.Unlock()
}

// sigmoidRows sets x [rows, n] to σ(x + bias) row by row.
func sigmoidRows(x, bias []float32) {
	n := len(bias)
	for r := 0; r+n <= len(x); r += n {
		numeric.SigmoidBias(x[r:r+n], bias)
	}
}

// neighbours returns the states of layer l's neighbours in xs, nil where
// there is none.
func neighbours(xs [][]float32, l int) (below, above []float32) {
	if l > 0 {
		below = xs[l-1]
	}
	if l+1 < len(xs) {
		above = xs[l+1]
	}
	return below, above
}

// MeanFieldConfig sets the fixed-point iteration of the mean-field
// posterior.
type MeanFieldConfig struct {
	Iters int     // most updates of every layer (Salakhutdinov & Hinton: 10)
	Tol   float64 // stop when no mean moves by more than this (0: run Iters)
}

// MeanField computes the factorial posterior q(h|v) = Π q(h_l) that
// maximises the variational lower bound on log p(v), for each row of v
// [rows, n_0]: mu[l] [rows, n_l] receives the means of layer l ≥ 1 (mu[0]
// is set to v). It starts from the bottom-up pass of the paper's code
// (couplings doubled below the top layer, which has only one neighbour) and
// updates the layers in order, μ_l = σ(b_l + W[l−1]ᵀμ_{l−1} + W[l]μ_{l+1}),
// until the largest change is below cfg.Tol or after cfg.Iters rounds. It
// returns the rounds run.
func (d *DBM) MeanField(v []float32, rows int, mu [][]float32, cfg MeanFieldConfig) int {
	L := d.Depth()
	mu[0] = v[:rows*d.Visible()]
	// The visible layer is clamped: its input to layer 1 is computed once.
	n1 := rows * d.n(1)
	fromV := numeric.Scratch(&d.mfFromV, n1)
	d.product(fromV, 1, rows, mu[0], nil, 1, 0)
	for l := 1; l <= L; l++ {
		if l == 1 {
			for i, a := range fromV {
				mu[1][i] = 2 * a
			}
		} else {
			scale := float32(2)
			if l == L {
				scale = 1
			}
			d.product(mu[l], l, rows, mu[l-1], nil, scale, 0)
		}
		sigmoidRows(mu[l][:rows*d.n(l)], d.b(l))
	}
	iters := max(cfg.Iters, 1)
	for it := 1; it <= iters; it++ {
		change := float32(0)
		for l := 1; l <= L; l++ {
			n := rows * d.n(l)
			old := numeric.Scratch(&d.mfOld, n)
			copy(old, mu[l][:n])
			below, above := neighbours(mu, l)
			if l == 1 {
				copy(mu[1][:n1], fromV)
				if above != nil {
					d.mulRows(true, rows, d.n(1), d.n(2), 1, above, d.w(1), 1, mu[1][:n1])
				}
			} else {
				d.product(mu[l], l, rows, below, above, 1, 1)
			}
			sigmoidRows(mu[l][:n], d.b(l))
			change = max(change, numeric.MaxAbsDiff(mu[l][:n], old))
		}
		if float64(change) < cfg.Tol {
			return it
		}
	}
	return iters
}

// Energy returns E(x) = −Σ_l b_lᵀx_l − Σ_l x_lᵀW[l]x_{l+1} for each of rows
// joint states xs[l] [rows, n_l] (binary states, or means for the
// mean-field bound), in float64.
func (d *DBM) Energy(xs [][]float32, rows int) []float64 {
	e := make([]float64, rows)
	for l := range d.B {
		n, b := d.n(l), d.b(l)
		for r := range rows {
			s := 0.0
			for i, x := range xs[l][r*n : (r+1)*n] {
				s += float64(b[i]) * float64(x)
			}
			e[r] -= s
		}
	}
	for l := range d.W {
		n, m := d.n(l), d.n(l+1)
		xw := make([]float32, rows*m)
		d.mulRows(false, rows, m, n, 1, xs[l], d.w(l), 0, xw)
		for r := range rows {
			s := 0.0
			for j, y := range xs[l+1][r*m : (r+1)*m] {
				s += float64(xw[r*m+j]) * float64(y)
			}
			e[r] -= s
		}
	}
	return e
}

// entropy is the entropy in nats of independent bits with means mu.
func entropy(mu []float32) float64 {
	h := 0.0
	for _, m := range mu {
		p := float64(m)
		if p > 0 && p < 1 {
			h -= p*math.Log(p) + (1-p)*math.Log1p(-p)
		}
	}
	return h
}

// BoundTerms returns, for each row of v, E_q[−E(v, h)] + H(q) with q the
// mean-field posterior: the variational lower bound on log p(v) plus
// log Z. Energy being linear in each layer, E_q[E] is E at the means.
func (d *DBM) BoundTerms(v *tensor.Dense, cfg MeanFieldConfig) []float64 {
	out := make([]float64, 0, v.Shape()[0])
	d.eachMeanField(v, cfg, func(_, n int, mu [][]float32) { out = append(out, d.boundRows(mu, n)...) })
	return out
}

// boundRows returns E_q[−E] + H(q) for each of the n rows whose mean-field
// means mu holds (mu[0] the images).
func (d *DBM) boundRows(mu [][]float32, n int) []float64 {
	e := d.Energy(mu, n)
	for r := range n {
		h := 0.0
		for l := 1; l < len(mu); l++ {
			k := d.n(l)
			h += entropy(mu[l][r*k : (r+1)*k])
		}
		e[r] = -e[r] + h
	}
	return e
}

// chunk is how many images the evaluation passes take at a time.
const chunk = 500

// eachMeanField runs mean-field on the rows of v in chunks and hands f each
// chunk's first row, its length and its means (mu[l] [n, n_l], mu[0] the
// images); mu is reused from one chunk to the next.
func (d *DBM) eachMeanField(v *tensor.Dense, cfg MeanFieldConfig, f func(lo, n int, mu [][]float32)) {
	mu := make([][]float32, len(d.B))
	for l := 1; l < len(mu); l++ {
		mu[l] = make([]float32, chunk*d.n(l))
	}
	x, nv, rows := v.Float32s(), d.Visible(), v.Shape()[0]
	for lo := 0; lo < rows; lo += chunk {
		n := min(chunk, rows-lo)
		d.MeanField(x[lo*nv:(lo+n)*nv], n, mu, cfg)
		f(lo, n, mu)
	}
}

// ExactLogZ returns log Z by enumerating the states of the odd or of the
// even layers, whichever have fewer units in all, and summing the others
// out analytically (given its neighbours a layer's units are independent):
// at most maxBits enumerated units.
func (d *DBM) ExactLogZ(maxBits int) (float64, error) {
	layers := d.Layers()
	var bits [2]int
	for l, n := range layers {
		bits[l%2] += n
	}
	par := 0
	if bits[1] < bits[0] {
		par = 1
	}
	if bits[par] > maxBits {
		return 0, fmt.Errorf("dbm: exact log Z would enumerate 2^%d states (at most 2^%d)", bits[par], maxBits)
	}
	// The enumerated layers' states, as float64 vectors.
	xs := make([][]float64, len(layers))
	for l, n := range layers {
		xs[l] = make([]float64, n)
	}
	w := make([][]float64, len(d.W))
	for l := range d.W {
		w[l] = numeric.ToFloat64(d.w(l))
	}
	terms := make([]float64, 0, 1<<bits[par])
	for s := uint64(0); s < 1<<bits[par]; s++ {
		k := 0
		for l := par; l < len(layers); l += 2 {
			for i := range xs[l] {
				xs[l][i] = float64(s >> k & 1)
				k++
			}
		}
		t := 0.0
		for l := par; l < len(layers); l += 2 {
			for i, x := range xs[l] {
				t += float64(d.b(l)[i]) * x
			}
		}
		for l := 1 - par; l < len(layers); l += 2 {
			for j := range layers[l] {
				a := float64(d.b(l)[j])
				if l > 0 {
					for i, x := range xs[l-1] {
						a += w[l-1][i*layers[l]+j] * x
					}
				}
				if l+1 < len(layers) {
					for i, x := range xs[l+1] {
						a += w[l][j*layers[l+1]+i] * x
					}
				}
				t += numeric.Softplus(a)
			}
		}
		terms = append(terms, t)
	}
	return ais.LogSumExp(terms), nil
}
