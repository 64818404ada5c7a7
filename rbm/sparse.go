package rbm

import (
	"math"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/pool"
	"gorgonia.org/tensor"
)

// sparse32 is the trainer's step for binary float32 data on CPUs with
// vector kernels: every product with a matrix of binary states (the data,
// the visible and hidden samples) sums the rows of the other factor where
// the states are on (of W for p(h|v), of Wᵀ, made afresh each step, for
// p(v|h), of P for the weight gradient), which for MNIST is about an eighth
// of the work of the dense product; the weight gradient of each visible
// unit is formed and applied in one pass. Its row passes run on a pool of
// goroutines through functions bound once, so that a step allocates
// nothing.
type sparse32 struct {
	stepSlices[float32]
	t            *Trainer
	n, m, nv, nh int
	mAll, temps  int // chain rows at all temperatures; temperatures (1 but under PT)
	wt           []float32
	// The negative phase's parameters: the model's, or under FPCD the sums
	// with the fast weights (wf, bf, cf), kept in weff, beff, ceff.
	wNeg, bNeg, cNeg []float32
	wf, bf, cf       []float32
	weff, beff, ceff []float32
	betas            []float32 // PT's inverse temperatures, β_0 = 1
	betaC, betaB     []float32 // β_k·cNeg and β_k·bNeg, temperature by temperature
	energy           []float64 // E(v, h) of each chain after its hidden draw, under PT
	swaps            []float64 // [attempts | acceptances] of each neighbouring pair
	xIdx, hIdx       []int32   // row r of x is on at xIdx[r·nv:][:xOn[r]], of h at hIdx[r·nh:][:hOn[r]]
	xOn, hOn         []int
	xBinary          []bool
	colStart, colPos []int   // column i of x: colRows[colStart[i]:colStart[i+1]]
	colRows, allRows []int32 // rows on in each column, data rows first; 0…n+m−1
	colData          []int   // data rows on in each column
	pen, vmean       []float64
	pool             *pool.Pool

	// The arguments of the row passes, set before each.
	src                     []float32 // the minibatch being loaded
	seed, pass              uint64
	first                   int // the first row of x of a hidden pass
	sample, neg, energies   bool
	scale                   float32
	lr, mom, wd             float32
	fastDecay, fastLR       float32
	loadRows, loadChains    func(lo, hi int)
	hiddenRows, visibleRows func(lo, hi int)
	weightRows, transRows   func(lo, hi int)
}

func newSparse32(t *Trainer) *sparse32 {
	r := t.RBM
	n, m, nv, nh := t.n, t.m, r.Visible(), r.Hidden()
	temps := 1
	if t.cfg.Sampler == energy.SamplerPT {
		temps = t.cfg.Temperatures
	}
	mAll := t.mAll
	s := &sparse32{
		t: t, n: n, m: m, nv: nv, nh: nh, mAll: mAll, temps: temps,
		betaC: make([]float32, temps*nh), betaB: make([]float32, temps*nv),
		energy: make([]float64, mAll),
		xIdx:   make([]int32, (n+mAll)*nv), hIdx: make([]int32, mAll*nh),
		xOn: make([]int, n+mAll), hOn: make([]int, mAll), xBinary: make([]bool, n),
		colStart: make([]int, nv+1), colPos: make([]int, nv),
		colRows: make([]int32, (n+m)*nv), allRows: make([]int32, n+m), colData: make([]int, nv),
		pen: make([]float64, nh), vmean: make([]float64, nv),
		wt:   make([]float32, nv*nh),
		pool: t.pool,
	}
	for i := range s.allRows {
		s.allRows[i] = int32(i)
	}
	for _, b := range t.cfg.Betas()[:temps] {
		s.betas = append(s.betas, float32(b))
	}
	if t.cfg.Sampler == energy.SamplerFPCD {
		s.weff, s.beff, s.ceff = make([]float32, nv*nh), make([]float32, nv), make([]float32, nh)
	}
	s.loadRows, s.loadChains = s.loadRowsPass, s.loadChainsPass
	s.hiddenRows, s.visibleRows, s.weightRows = s.hiddenPass, s.visiblePass, s.weightPass
	s.transRows = s.transposePass
	return s
}

// bind reads the slices (stepSlices.bind) and those of the negative
// phase, when first used and again if the RBM's parameters have been given
// new storage.
func (s *sparse32) bind() {
	t := s.t
	if !s.stepSlices.bind(t) {
		return
	}
	s.wNeg, s.bNeg, s.cNeg = s.w, s.b, s.c
	if t.fast != nil {
		s.wf, s.bf, s.cf = numeric.Data[float32](t.fast.W), numeric.Data[float32](t.fast.B), numeric.Data[float32](t.fast.C)
		s.wNeg, s.bNeg, s.cNeg = s.weff, s.beff, s.ceff
	}
	if t.swaps != nil {
		s.swaps = t.swaps.Float64s()
	}
}

// load copies the minibatch into x and lists each row's units that are on,
// and the persistent chains' (which a checkpoint may have replaced); it
// reports whether every value is 0 or 1, so that this path applies.
func (s *sparse32) load(v0 *tensor.Dense) bool {
	s.bind()
	s.src = v0.Float32s() // typed: Data() would box the slice
	s.pool.Range(s.n, numeric.BlockFor(s.nv, rowBlock), s.loadRows)
	if s.t.cfg.Persistent {
		s.pool.Range(s.mAll, numeric.BlockFor(s.nv, rowBlock), s.loadChains)
	}
	for _, b := range s.xBinary {
		if !b {
			return false
		}
	}
	return true
}

func (s *sparse32) loadRowsPass(lo, hi int) {
	nv := s.nv
	for r := lo; r < hi; r++ {
		row := s.x[r*nv : (r+1)*nv]
		copy(row, s.src[r*nv:(r+1)*nv])
		s.xOn[r], s.xBinary[r] = numeric.ActiveIndices(s.xIdx[r*nv:(r+1)*nv], row)
	}
}

func (s *sparse32) loadChainsPass(lo, hi int) {
	nv := s.nv
	for r := s.n + lo; r < s.n+hi; r++ {
		s.xOn[r], _ = numeric.ActiveIndices(s.xIdx[r*nv:(r+1)*nv], s.x[r*nv:(r+1)*nv])
	}
}

// hiddenPass sets rows first+[lo, hi) of p to p(h|x) times scale, with
// the model's parameters, or with the negative phase's (at each chain's
// temperature) when neg is set; when sample is set it draws the chains'
// hidden states from them (under CD the data rows are the chains' starting
// points), and when energies is set it records each chain's E(v, h).
func (s *sparse32) hiddenPass(lo, hi int) {
	nv, nh := s.nv, s.nh
	w, c := s.w, s.c
	if s.neg {
		w = s.wNeg
	}
	lo, hi = s.first+lo, s.first+hi
	numeric.GatherSumRows(s.p, w, nh, lo, hi, gatherBlock, func(i int) []int32 { return s.xIdx[i*nv : i*nv+s.xOn[i]] })
	for i := lo; i < hi; i++ {
		row := s.p[i*nh : (i+1)*nh]
		j := i - s.n // chain row
		if j < 0 {
			j = i
		}
		bias := c
		if s.neg {
			k := j / s.m
			bias = s.betaC[k*nh : (k+1)*nh]
			if s.energies {
				// h's row holds z = vW + c until the draw replaces it.
				z := s.h[j*nh : (j+1)*nh]
				for q, x := range row {
					z[q] = x + s.cNeg[q]
				}
			}
			if k > 0 {
				beta := s.betas[k]
				for q := range row {
					row[q] *= beta
				}
			}
		}
		numeric.SigmoidBias(row, bias)
		if s.sample {
			st := numeric.NewStream(s.seed, s.pass, uint64(j))
			idx := s.hIdx[j*nh : (j+1)*nh]
			on := numeric.BernoulliActive(row, &st, idx)
			s.hOn[j] = on
			if s.energies {
				// E(v, h) = −Σ_{j∈h} (vW + c)_j − Σ_{i∈v} b_i.
				z, e := s.h[j*nh:(j+1)*nh], 0.0
				for _, q := range idx[:on] {
					e += float64(z[q])
				}
				for _, q := range s.xIdx[i*nv : i*nv+s.xOn[i]] {
					e += float64(s.bNeg[q])
				}
				s.energy[j] = -e
			}
		}
		if s.scale != 1 {
			for q := range row {
				row[q] *= s.scale
			}
		}
	}
}

// visiblePass sets the chains' p(v|h), each at its temperature, and draws
// their visible states.
func (s *sparse32) visiblePass(lo, hi int) {
	nv, nh, n := s.nv, s.nh, s.n
	numeric.GatherSumRows(s.pv, s.wt, nv, lo, hi, gatherBlock, func(i int) []int32 { return s.hIdx[i*nh : i*nh+s.hOn[i]] })
	for i := lo; i < hi; i++ {
		row := s.pv[i*nv : (i+1)*nv]
		k := i / s.m
		if k > 0 {
			beta := s.betas[k]
			for q := range row {
				row[q] *= beta
			}
		}
		numeric.SigmoidBias(row, s.betaB[k*nv:(k+1)*nv])
		st := numeric.NewStream(s.seed, s.pass, uint64(i))
		s.xOn[n+i] = numeric.BernoulliRowActive(s.x[(n+i)*nv:(n+i+1)*nv], row, &st, s.xIdx[(n+i)*nv:(n+i+1)*nv])
	}
}

// transposePass writes rows [lo, hi) of the negative phase's W into the
// columns of wt.
func (s *sparse32) transposePass(lo, hi int) {
	numeric.TransposeRows(s.wt, s.wNeg, s.nv, s.nh, lo, hi)
}

// weightPass forms ∇W for visible units [lo, hi) from the column lists
// and applies the momentum step to them.
func (s *sparse32) weightPass(lo, hi int) {
	nh := s.nh
	for i := lo; i < hi; i++ {
		g := s.gw[i*nh : (i+1)*nh]
		numeric.GatherSum(g, s.p, nh, s.colRows[s.colStart[i]:s.colStart[i+1]])
		if s.t.cfg.SparsityTarget > 0 {
			for j := range g {
				g[j] -= float32(s.pen[j] * s.vmean[i])
			}
		}
		numeric.Momentum(s.w[i*nh:(i+1)*nh], s.vw[i*nh:(i+1)*nh], g, s.lr, s.mom, s.wd)
		if s.wf != nil {
			fastUpdate(s.wf[i*nh:(i+1)*nh], g, s.fastDecay, s.fastLR)
		}
	}
}

// fastUpdate moves FPCD's fast weights: f ← decay·f + lr·g.
func fastUpdate(f, g []float32, decay, lr float32) {
	for q := range f {
		f[q] = decay*f[q] + lr*g[q]
	}
}

// step makes one update from the minibatch that load copied.
func (s *sparse32) step(lr, mom float64, seed uint64) {
	t := s.t
	n, m, nv, nh := s.n, s.m, s.nv, s.nh
	s.seed = seed
	// Positive phase; under CD the chains' first hidden sample comes from it.
	s.first, s.pass, s.sample, s.scale = 0, 0, !t.cfg.Persistent, 1/float32(n)
	s.pool.Range(n, numeric.BlockFor(nh, rowBlock), s.hiddenRows)
	pass := uint64(1)
	s.neg = true
	if s.wf != nil {
		// FPCD: the chains run on the model plus the fast weights.
		for q := range s.weff {
			s.weff[q] = s.w[q] + s.wf[q]
		}
		for q := range s.beff {
			s.beff[q] = s.b[q] + s.bf[q]
		}
		for q := range s.ceff {
			s.ceff[q] = s.c[q] + s.cf[q]
		}
	}
	for k, beta := range s.betas {
		for q, c := range s.cNeg {
			s.betaC[k*nh+q] = beta * c
		}
		for q, b := range s.bNeg {
			s.betaB[k*nv+q] = beta * b
		}
	}
	if t.cfg.Persistent {
		// The chains' hidden states (at every temperature), then under PT
		// the swaps between neighbouring temperatures.
		s.first, s.pass, s.sample, s.scale, s.energies = n, pass, true, 1, s.temps > 1
		s.pool.Range(s.mAll, numeric.BlockFor(nh, rowBlock), s.hiddenRows)
		s.energies = false
		pass++
		if s.temps > 1 {
			s.swap(pass)
			pass++
		}
	}
	s.pool.Range(nv, numeric.BlockFor(nh, rowBlock), s.transRows)
	for step := range t.cfg.K {
		s.pass = pass
		s.pool.Range(s.mAll, numeric.BlockFor(nv, rowBlock), s.visibleRows)
		pass++
		last := step == t.cfg.K-1
		s.first, s.pass, s.sample, s.scale = n, pass, !last, 1
		rows := s.mAll
		if last {
			s.scale = -1 / float32(m)
			rows = m // the statistics come from the β = 1 chains alone
		}
		s.pool.Range(rows, numeric.BlockFor(nh, rowBlock), s.hiddenRows)
		if !last {
			pass++
		}
	}
	s.neg = false

	// The columns of x as lists of rows, data rows first (counting sort).
	clear(s.colPos)
	for i := range n + m {
		for _, j := range s.xIdx[i*nv : i*nv+s.xOn[i]] {
			s.colPos[j]++
		}
	}
	s.colStart[0] = 0
	for j := range nv {
		s.colStart[j+1] = s.colStart[j] + s.colPos[j]
		s.colPos[j] = s.colStart[j]
	}
	for i := range n + m {
		if i == n {
			for j := range nv {
				s.colData[j] = s.colPos[j] - s.colStart[j]
			}
		}
		for _, j := range s.xIdx[i*nv : i*nv+s.xOn[i]] {
			s.colRows[s.colPos[j]] = int32(i)
			s.colPos[j]++
		}
	}

	// Bias gradients: ∇b from the column counts, ∇c = column sums of P.
	for j := range nv {
		on := s.colStart[j+1] - s.colStart[j]
		s.gb[j] = float32(float64(s.colData[j])/float64(n) - float64(on-s.colData[j])/float64(m))
	}
	numeric.GatherSum(s.gc, s.p, nh, s.allRows)
	if t.cfg.SparsityTarget > 0 {
		s.sparsityTerms()
	}
	s.lr, s.mom, s.wd = float32(lr), float32(mom), float32(t.cfg.WeightDecay)
	if s.wf != nil {
		s.fastDecay, s.fastLR = float32(t.cfg.FastDecay), float32(t.cfg.FastLR)
		if t.cfg.FastLR == 0 {
			s.fastLR = s.lr
		}
	}
	s.pool.Range(nv, numeric.BlockFor(nh, rowBlock), s.weightRows)
	numeric.Momentum(s.b, s.vb, s.gb, s.lr, s.mom, 0)
	numeric.Momentum(s.c, s.vc, s.gc, s.lr, s.mom, 0)
	if s.wf != nil {
		fastUpdate(s.bf, s.gb, s.fastDecay, s.fastLR)
		fastUpdate(s.cf, s.gc, s.fastDecay, s.fastLR)
	}
}

// swap proposes, for every chain column and every other pair of
// neighbouring temperatures (the even pairs or the odd ones, by one bit of
// the step's seed), to exchange the two chains' states, and accepts with
// probability min(1, exp((β_k − β_{k+1})(E_k − E_{k+1}))), the Metropolis
// rule for the product of the tempered distributions.
func (s *sparse32) swap(pass uint64) {
	n, m, nv, nh := s.n, s.m, s.nv, s.nh
	pairs := s.temps - 1
	for k := int(s.seed >> 63); k < pairs; k += 2 {
		db := float64(s.betas[k] - s.betas[k+1])
		for c := range m {
			a, b := k*m+c, (k+1)*m+c
			s.swaps[k]++
			d := db * (s.energy[a] - s.energy[b])
			if d < 0 {
				st := numeric.NewStream(s.seed, pass, uint64(a))
				if float64(st.Uint64()>>11)*(1.0/(1<<53)) >= math.Exp(d) {
					continue
				}
			}
			s.swaps[pairs+k]++
			numeric.SwapElements(s.x[(n+a)*nv:(n+a+1)*nv], s.x[(n+b)*nv:(n+b+1)*nv])
			numeric.SwapElements(s.xIdx[(n+a)*nv:(n+a+1)*nv], s.xIdx[(n+b)*nv:(n+b+1)*nv])
			s.xOn[n+a], s.xOn[n+b] = s.xOn[n+b], s.xOn[n+a]
			numeric.SwapElements(s.hIdx[a*nh:(a+1)*nh], s.hIdx[b*nh:(b+1)*nh])
			s.hOn[a], s.hOn[b] = s.hOn[b], s.hOn[a]
			s.energy[a], s.energy[b] = s.energy[b], s.energy[a]
		}
	}
}

// sparsityTerms updates the running activity q from P's data rows
// (p(h|v0)/n), subtracts the penalty from ∇c, and sets the penalty of each
// hidden unit and the batch mean of each visible unit, whose product
// weightPass takes off ∇W.
func (s *sparse32) sparsityTerms() {
	t, q := s.t, s.q
	colSums(t.scratchH, s.p[:s.n*s.nh], s.nh)
	for j := range q {
		q[j] = float32(0.9*float64(q[j]) + 0.1*t.scratchH[j])
		s.pen[j] = t.cfg.SparsityCost * (float64(q[j]) - t.cfg.SparsityTarget)
		s.gc[j] -= float32(s.pen[j])
	}
	for j := range s.vmean {
		s.vmean[j] = float64(s.colData[j]) / float64(s.n)
	}
}
