package dbm

import "github.com/boltzmann-go/boltzmann/internal/numeric"

// sweep makes one Gibbs sweep of the chains: odd layers, then even. The
// states are binary, so a layer's input is a sum of the coupling rows of
// its neighbours' active units (W[l−1] from below, W[l]ᵀ from above):
// t.active must list them (prepareSweeps).
func (t *Trainer) sweep(key uint64, pass int) {
	L := len(t.chains)
	t.sweepKey, t.sweepRound = key, uint64(pass)
	split := t.DBM.rowSplit()
	for _, parity := range []int{1, 0} {
		for l := parity; l < L; l += 2 {
			t.sweepLayer = l
			// A chain's row sums: n_l coupling columns over about half
			// its neighbours' units.
			neighbours := 0
			if l > 0 {
				neighbours += t.DBM.n(l - 1)
			}
			if l+1 < L {
				neighbours += t.DBM.n(l + 1)
			}
			t.denseInputs(l)
			split.rangeRows(t.cfg.Chains, numeric.BlockFor(t.DBM.n(l)*neighbours/32, 4), t.sweepRows)
		}
	}
}

// denseSweepFraction is the fraction of a neighbouring layer's units on
// from which a sweep takes the layer's input from that neighbour by a
// matrix product instead of row sums. On a 2-core AMD EPYC (Zen 5) the
// sums of the active rows (BenchmarkSweepInput) cost as much as the
// product at about 0.3 of the units on, and 1.3–1.6 times as much at 0.5,
// as the hidden layers of a DBM from a random start are.
const denseSweepFraction = 0.35

// denseInputs makes layer l's inputs for a sweep by products, from each
// neighbour with at least t.denseFrom of its units on over the chains,
// and sets t.denseBelow and t.denseAbove to say which. Whether it does is
// a function of the chains' states, so a run is as reproducible as
// before; the product's sums are in another order than the row sums', so
// its last bits differ.
func (t *Trainer) denseInputs(l int) {
	d, chains := t.DBM, t.cfg.Chains
	L, n := len(t.chains), d.n(l)
	on := func(k int) bool {
		total := 0
		for _, c := range t.count[k][:chains] {
			total += c
		}
		return float64(total) >= t.denseFrom*float64(chains*d.n(k))
	}
	t.denseBelow = l > 0 && on(l-1)
	t.denseAbove = l+1 < L && on(l+1)
	if t.denseBelow {
		d.mulRows(false, chains, n, d.n(l-1), 1, t.chains[l-1].Float32s(), d.w(l-1), 0, t.probs[l])
	}
	if t.denseAbove {
		dst := t.probs[l]
		if l > 0 {
			dst = t.tmp
		}
		d.mulRows(false, chains, n, d.n(l+1), 1, t.chains[l+1].Float32s(), t.wT[l], 0, dst)
	}
}

// sweepPass samples layer t.sweepLayer of chains lo…hi−1. The row sums
// pass over the couplings a block of columns at a time, every chain's rows
// in turn (numeric.GatherSumRows), so that the block stays in the cache;
// each column's sum is made in the same order as one chain at a time would.
func (t *Trainer) sweepPass(lo, hi int) {
	d := t.DBM
	L, l := len(t.chains), t.sweepLayer
	n := d.n(l)
	x, p, b := t.chains[l].Float32s(), t.probs[l], d.b(l)
	if l > 0 && !t.denseBelow {
		numeric.GatherSumRows(p, d.w(l-1), n, lo, hi, sweepBlock, t.activeBelow)
	}
	if l+1 < L {
		dst := p
		if l > 0 {
			dst = t.tmp
		}
		if !t.denseAbove {
			numeric.GatherSumRows(dst, t.wT[l], n, lo, hi, sweepBlock, t.activeAbove)
		}
		if l > 0 {
			for i := lo * n; i < hi*n; i++ {
				p[i] += t.tmp[i]
			}
		}
	}
	for r := lo; r < hi; r++ {
		dst := p[r*n : (r+1)*n]
		numeric.SigmoidBias(dst, b)
		s := numeric.NewStream(t.sweepKey, t.sweepRound, uint64(r*L+l))
		t.count[l][r] = numeric.BernoulliRowActive(x[r*n:(r+1)*n], dst, &s, t.active[l][r*n:(r+1)*n])
	}
}

// sweepBlock is the width of the column blocks of a sweep's row sums: 128
// columns of the 784×500 or 500×1000 couplings (up to 500 kB) stay in a
// core's L2 cache while the chains pass over them.
const sweepBlock = 128

// activeOf lists chain r's active units of layer l.
func (t *Trainer) activeOf(l, r int) []int32 {
	n := t.DBM.n(l)
	return t.active[l][r*n:][:t.count[l][r]]
}

// listBelow and listAbove are activeBelow and activeAbove: the active
// units of chain r's layers below and above t.sweepLayer.
func (t *Trainer) listBelow(r int) []int32 { return t.activeOf(t.sweepLayer-1, r) }
func (t *Trainer) listAbove(r int) []int32 { return t.activeOf(t.sweepLayer+1, r) }

// prepareSweeps transposes the couplings and lists the chains' active
// units, for the sweeps of one update.
func (t *Trainer) prepareSweeps() {
	d := t.DBM
	for l := range d.W {
		numeric.Transpose(t.wT[l], d.w(l), d.n(l), d.n(l+1))
	}
	for l, c := range t.chains {
		n := d.n(l)
		x := c.Float32s()
		for r := range t.cfg.Chains {
			t.count[l][r], _ = numeric.ActiveIndices(t.active[l][r*n:(r+1)*n], x[r*n:(r+1)*n])
		}
	}
}
