package dbm

import (
	"fmt"
	"math"
	"runtime"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
)

// AIS estimates log Z by annealed importance sampling over the even layers
// (v, h2, …), the odd layers summed out analytically as in Salakhutdinov &
// Hinton (2009). The path is
//
//	log f_β(x_even) = (1−β) Σ_{l even} a_lᵀx_l + β Σ_{l even} b_lᵀx_l + Σ_{l odd} Σ_j softplus(β u_lj),
//
// u_l = b_l + W[l−1]ᵀx_{l−1} + W[l]x_{l+1}, from a base model of
// independent even units with biases a_l = base[l] (base[0]: the visible
// units' base rates, ais.BaseRates; a nil or missing base[l] makes layer l
// fair coins; odd entries are ignored), whose log Z_0 = Σ_{l even}
// Σ_i softplus(a_li) + (odd units)·log 2, to the DBM at β = 1. Each
// transition is a Gibbs sweep of p_β: the odd layers given the even ones,
// then the even layers given the odd ones. Chain i draws from its own
// stream, so the estimate does not depend on how the chains are split over
// cores. The closer the base is to the model's marginals, the fewer
// distributions the estimate needs ([Trainer.AnnealLogZ] fits every even
// layer's to the data).
func (d *DBM) AIS(base [][]float64, cfg ais.Config) (ais.Estimate, error) {
	layers := d.Layers()
	if len(base) > len(layers) {
		return ais.Estimate{}, fmt.Errorf("dbm: base model of %d layers for a DBM of %d", len(base), len(layers))
	}
	full := make([][]float64, len(layers))
	for l, a := range base {
		if l%2 == 1 || a == nil {
			continue
		}
		if len(a) != layers[l] {
			return ais.Estimate{}, fmt.Errorf("dbm: base model of %d units for layer %d of %d units", len(a), l, layers[l])
		}
		full[l] = a
	}
	logZ0 := 0.0
	for l, n := range layers {
		if full[l] == nil {
			logZ0 += float64(n) * math.Ln2
			continue
		}
		for _, a := range full[l] {
			logZ0 += numeric.Softplus(a)
		}
	}
	est, _, err := ais.Run(cfg, logZ0, runtime.GOMAXPROCS(0), func(lo, hi int) ais.Chains {
		return d.newChains(full, cfg.Seed, lo, hi)
	})
	return est, err
}

// chains are a block of AIS chains over the even layers: x holds the
// states (odd layers their pre-activations a_l between the weight and
// the sample), p the probabilities; base[l] is the base model's biases of
// even layer l, nil for the odd layers and for even layers that start as
// fair coins.
type chains struct {
	d       *DBM
	base    [][]float64
	base32  [][]float32
	rows    int
	x, p    [][]float32
	streams []numeric.Stream
}

// newChains draws chains lo…hi−1 of the even layers from the base model.
func (d *DBM) newChains(base [][]float64, seed uint64, lo, hi int) *chains {
	layers := d.Layers()
	L := len(layers)
	rows := hi - lo
	c := &chains{d: d, base: base, rows: rows, x: make([][]float32, L), p: make([][]float32, L), base32: make([][]float32, L)}
	for l, n := range layers {
		c.x[l], c.p[l] = make([]float32, rows*n), make([]float32, rows*n)
	}
	for l, a := range base {
		if a != nil {
			c.base32[l] = make([]float32, len(a))
			for i, x := range a {
				c.base32[l][i] = float32(x)
			}
		}
	}
	c.streams = make([]numeric.Stream, rows)
	for r := range c.streams {
		c.streams[r] = numeric.NewStream(seed, uint64(lo+r), 0)
	}
	// β = 0: the even layers drawn from the base model.
	for r := range rows {
		for l := 0; l < L; l += 2 {
			n := layers[l]
			for i := range n {
				c.p[l][r*n+i] = 0.5
				if c.base32[l] != nil {
					c.p[l][r*n+i] = numeric.Sigmoid32(c.base32[l][i])
				}
			}
			numeric.BernoulliRow(c.x[l][r*n:(r+1)*n], c.p[l][r*n:(r+1)*n], &c.streams[r])
		}
	}
	return c
}

// evenBias is Σ_{even l} (b_l − a_l)ᵀx_l of row r.
func (c *chains) evenBias(r int) float64 {
	s := 0.0
	for l := 0; l < len(c.x); l += 2 {
		n, b := c.d.n(l), c.d.b(l)
		for i, xi := range c.x[l][r*n : (r+1)*n] {
			if xi != 0 {
				s += float64(b[i])
				if c.base[l] != nil {
					s -= c.base[l][i]
				}
			}
		}
	}
	return s
}

// AddLogRatio sets the odd layers' inputs and adds log f_hi − log f_lo of
// every chain to logw (ais.Chains).
func (c *chains) AddLogRatio(logw []float64, hi, lo float64) {
	c.d.oddInputs(c.x, c.p, c.rows)
	for r := range c.rows {
		acc := (hi - lo) * c.evenBias(r)
		for l := 1; l < len(c.x); l += 2 {
			n := c.d.n(l)
			for _, a := range c.p[l][r*n : (r+1)*n] {
				acc += numeric.Softplus(hi*float64(a)) - numeric.Softplus(lo*float64(a))
			}
		}
		logw[r] += acc
	}
}

// Transition is one Gibbs sweep of p_β from the odd layers' inputs that
// AddLogRatio left (ais.Chains).
func (c *chains) Transition(beta float64) {
	c.d.temperedSweep(c.x, c.p, c.rows, float32(beta), c.base32, c.streams)
}

// oddInputs sets p[l] to the odd layers' inputs
// a_l = b_l + W[l−1]ᵀx_{l−1} + W[l]x_{l+1} for the first rows rows.
func (d *DBM) oddInputs(x, p [][]float32, rows int) {
	for l := 1; l < d.Depth()+1; l += 2 {
		below, above := neighbours(x, l)
		d.product(p[l], l, rows, below, above, 1, 1)
		n, b := d.n(l), d.b(l)
		for i := range p[l][:rows*n] {
			p[l][i] += b[i%n]
		}
	}
}

// temperedSweep makes one Gibbs sweep of p_β ∝ e^{−βE}: the odd layers
// drawn from σ(β·a_l), their inputs already in p (oddInputs), then the even
// layers given them; p ends holding each layer's probabilities. Where
// base[l] is given (AIS's path), even layer l's bias is
// (1−β)·base[l] + β·b_l; row r draws from streams[r].
func (d *DBM) temperedSweep(x, p [][]float32, rows int, beta float32, base [][]float32, streams []numeric.Stream) {
	L := d.Depth() + 1
	for l := 1; l < L; l += 2 {
		n := d.n(l)
		for i, a := range p[l][:rows*n] {
			p[l][i] = numeric.Sigmoid32(beta * a)
		}
		for r := range rows {
			numeric.BernoulliRow(x[l][r*n:(r+1)*n], p[l][r*n:(r+1)*n], &streams[r])
		}
	}
	for l := 0; l < L; l += 2 {
		below, above := neighbours(x, l)
		d.product(p[l], l, rows, below, above, 1, 1)
		n, b := d.n(l), d.b(l)
		var a0 []float32
		if l < len(base) {
			a0 = base[l]
		}
		for i, a := range p[l][:rows*n] {
			j := i % n
			if a0 != nil {
				p[l][i] = numeric.Sigmoid32((1-beta)*a0[j] + beta*(a+b[j]))
			} else {
				p[l][i] = numeric.Sigmoid32(beta * (a + b[j]))
			}
		}
		for r := range rows {
			numeric.BernoulliRow(x[l][r*n:(r+1)*n], p[l][r*n:(r+1)*n], &streams[r])
		}
	}
}
