package rbm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// TrainConfig holds the hyperparameters of CD-k and PCD-k that stay fixed
// during a run. The learning rate and momentum change along schedules and
// are passed to each [Trainer.Step].
type TrainConfig struct {
	// K is the number of Gibbs steps per update (CD-K or PCD-K).
	K int
	// Persistent selects PCD: the negative chains carry over between updates
	// (Tieleman 2008) instead of restarting at the data.
	Persistent bool
	// Chains is the number of persistent chains (PCD only).
	Chains int
	// WeightDecay is the L2 coefficient on W (not the biases).
	WeightDecay float64
	// SparsityTarget, when positive, pulls the mean activity q_j of each hidden
	// unit towards it (Hinton's practical guide §11): q is a running average
	// q ← 0.9q + 0.1·mean p(h_j|v), and SparsityCost·(q_j − target) is
	// subtracted from the gradient of c_j, and times mean v_i from that of W_ij.
	SparsityTarget float64
	SparsityCost   float64

	// Sampler is the negative phase under PCD: SamplerPCD (the default),
	// SamplerFPCD or SamplerPT; see their documentation.
	Sampler string
	// FastDecay and FastLR set FPCD's fast weights: each update they are
	// multiplied by FastDecay (default 19/20) and moved by FastLR (default:
	// the learning rate of the update) times the gradient.
	FastDecay, FastLR float64
	// Temperatures and BetaMin set PT's ladder of inverse temperatures
	// 1 = β_0 > … > β_{T−1} = BetaMin, spaced linearly in β, or
	// geometrically when TempSpacing is "geometric" (BetaMin > 0 then).
	Temperatures int
	BetaMin      float64
	TempSpacing  string
}

// Negative-phase samplers of PCD.
const (
	// SamplerPCD runs the persistent chains on the model (Tieleman 2008).
	SamplerPCD = "pcd"
	// SamplerFPCD runs them on the model plus fast weights, which follow
	// the gradient with a large rate and decay fast, pushing the chains out
	// of the modes they have just visited (Tieleman & Hinton, ICML 2009).
	SamplerFPCD = "fpcd"
	// SamplerPT runs Chains chains at each of Temperatures inverse
	// temperatures and swaps the states of neighbours by the Metropolis
	// rule; the β = 1 chains give the statistics (Desjardins et al.,
	// AISTATS 2010; Cho, Raiko & Ilin, IJCNN 2010).
	SamplerPT = "pt"
)

// Betas returns PT's inverse temperatures, β_0 = 1 first.
func (c TrainConfig) Betas() []float64 {
	n := max(c.Temperatures, 1)
	b := make([]float64, n)
	for k := range b {
		f := 0.0
		if n > 1 {
			f = float64(k) / float64(n-1)
		}
		if c.TempSpacing == "geometric" {
			b[k] = math.Pow(c.BetaMin, f)
		} else {
			b[k] = 1 - f*(1-c.BetaMin)
		}
	}
	return b
}

// Validate checks the configuration.
func (c TrainConfig) Validate() error {
	switch {
	case c.K < 1:
		return fmt.Errorf("rbm: k = %d Gibbs steps: want at least 1", c.K)
	case c.Persistent && c.Chains < 1:
		return fmt.Errorf("rbm: %d persistent chains: want at least 1", c.Chains)
	case c.WeightDecay < 0:
		return fmt.Errorf("rbm: weight decay %g must not be negative", c.WeightDecay)
	case c.SparsityTarget < 0 || c.SparsityTarget >= 1:
		return fmt.Errorf("rbm: sparsity target %g must lie in [0, 1)", c.SparsityTarget)
	case c.SparsityCost < 0:
		return fmt.Errorf("rbm: sparsity cost %g must not be negative", c.SparsityCost)
	}
	switch c.Sampler {
	case "", SamplerPCD:
	case SamplerFPCD, SamplerPT:
		if !c.Persistent {
			return fmt.Errorf("rbm: sampler %s needs persistent chains (PCD)", c.Sampler)
		}
	default:
		return fmt.Errorf("rbm: unknown sampler %q: want pcd, fpcd or pt", c.Sampler)
	}
	if c.Sampler == SamplerFPCD && (c.FastDecay < 0 || c.FastDecay >= 1 || c.FastLR < 0) {
		return fmt.Errorf("rbm: fast decay %g must lie in [0, 1) and fast learning rate %g must not be negative", c.FastDecay, c.FastLR)
	}
	if c.Sampler == SamplerPT {
		switch {
		case c.Temperatures < 2:
			return fmt.Errorf("rbm: parallel tempering with %d temperatures: want at least 2", c.Temperatures)
		case c.TempSpacing != "" && c.TempSpacing != "linear" && c.TempSpacing != "geometric":
			return fmt.Errorf("rbm: temperature spacing %q: want linear or geometric", c.TempSpacing)
		case c.BetaMin < 0 || c.BetaMin >= 1 || (c.TempSpacing == "geometric" && c.BetaMin == 0):
			return fmt.Errorf("rbm: lowest inverse temperature %g must lie in [0, 1), and above 0 when geometric", c.BetaMin)
		}
	}
	return nil
}

// chainRows is the number of persistent chain rows: Chains at each
// temperature under PT.
func (c TrainConfig) chainRows() int {
	if c.Sampler == SamplerPT {
		return c.Chains * c.Temperatures
	}
	return c.Chains
}

// Trainer updates an RBM by CD-k or PCD-k with momentum, weight decay and an
// optional sparsity target. It owns every buffer of the update, so a step
// allocates nothing.
//
// A step is five matrix products for CD-1 (six for PCD-1), each followed by
// one fused pass over its rows (bias, logistic function, Bernoulli draw)
// split across the cores. The data rows and the negative rows sit in one
// matrix X = [v_data; v_model], and their hidden probabilities, already
// scaled by 1/n and −1/m, in one matrix P, so that the weight gradient
// ⟨v hᵀ⟩_data − ⟨v hᵀ⟩_model is the single product XᵀP. Each row's random
// numbers come from its own [numeric.Stream], keyed by one draw from the
// step's generator, so a step gives the same result on any number of cores.
type Trainer struct {
	RBM *RBM
	cfg TrainConfig

	n, m               int           // data rows per batch, negative rows (at β = 1 under PT)
	mAll               int           // persistent chain rows at every temperature
	x                  *tensor.Dense // [n+m, visible]: the batch, then the negative chains
	p                  *tensor.Dense // [n+m, hidden]: p(h|x) / n for the batch, −p(h|x) / m for the chains
	h                  *tensor.Dense // [m, hidden]: hidden samples of the chains
	pv                 *tensor.Dense // [m, visible]: p(v|h) of the chains
	chains             *tensor.Dense // rows n… of x: the persistent chains, a view
	grad               *Gradient
	vel                *Gradient     // momentum buffers
	q                  *tensor.Dense // running mean hidden activity, for sparsity
	scratchV, scratchH []float64

	sparse *sparse32     // the float32 path for binary data, where the CPU has vector kernels
	fast   *Gradient     // FPCD's fast weights
	swaps  *tensor.Dense // PT: [2, temperatures−1] swap attempts and acceptances since the last SamplerStats
}

// NewTrainer prepares to train r on minibatches of batch rows. Under PCD
// the chains start from samples of p(v|h=0), drawn with rng.
func NewTrainer(r *RBM, cfg TrainConfig, batch int, rng *rand.Rand) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if batch < 1 {
		return nil, fmt.Errorf("rbm: batch size %d: want at least 1", batch)
	}
	m, mAll := batch, batch
	if cfg.Persistent {
		m, mAll = cfg.Chains, cfg.chainRows()
	}
	dt, nv, nh := r.Dtype(), r.Visible(), r.Hidden()
	if cfg.Sampler == SamplerFPCD || cfg.Sampler == SamplerPT {
		if dt != tensor.Float32 || !numeric.VectorKernels() {
			return nil, fmt.Errorf("rbm: sampler %s runs on the float32 path for binary data, which needs float32 and a CPU with AVX2", cfg.Sampler)
		}
	}
	t := &Trainer{
		RBM:      r,
		cfg:      cfg,
		n:        batch,
		m:        m,
		mAll:     mAll,
		x:        tensor.New(tensor.WithShape(batch+mAll, nv), tensor.Of(dt)),
		p:        tensor.New(tensor.WithShape(batch+mAll, nh), tensor.Of(dt)),
		h:        tensor.New(tensor.WithShape(mAll, nh), tensor.Of(dt)),
		pv:       tensor.New(tensor.WithShape(mAll, nv), tensor.Of(dt)),
		grad:     r.NewGradient(),
		vel:      r.NewGradient(),
		q:        tensor.New(tensor.WithShape(nh), tensor.Of(dt)),
		scratchV: make([]float64, nv),
		scratchH: make([]float64, nh),
	}
	if cfg.Sampler == SamplerFPCD {
		t.fast = r.NewGradient()
	}
	if cfg.Sampler == SamplerPT {
		t.swaps = tensor.New(tensor.WithShape(2, cfg.Temperatures-1), tensor.Of(tensor.Float64))
	}
	if dt == tensor.Float32 && numeric.VectorKernels() {
		t.sparse = newSparse32(t)
		runtime.AddCleanup(t, (*numeric.Pool).Close, t.sparse.pool)
	}
	t.chains = rowView(t.x, batch, batch+mAll)
	if cfg.Persistent {
		// Persistent chains start from samples of the visible biases' own
		// distribution p(v|h=0), which after InitHinton are the data's base rates.
		pv := r.NewChain(mAll)
		r.VisibleProbs(pv.H, pv.PV)
		Sample(t.chains, pv.PV, rng)
	}
	return t, nil
}

// rowView is rows [lo, hi) of the matrix t, sharing its storage.
func rowView(t *tensor.Dense, lo, hi int) *tensor.Dense {
	d := t.Shape()[1]
	switch x := t.Data().(type) {
	case []float32:
		return tensor.New(tensor.WithShape(hi-lo, d), tensor.WithBacking(x[lo*d:hi*d]))
	case []float64:
		return tensor.New(tensor.WithShape(hi-lo, d), tensor.WithBacking(x[lo*d:hi*d]))
	}
	panic(fmt.Sprintf("rbm: unsupported dtype %v", t.Dtype()))
}

// Config returns the trainer's configuration.
func (t *Trainer) Config() TrainConfig { return t.cfg }

// Step makes one update from the minibatch v0 [batch, visible] with learning
// rate lr and momentum mom: vel ← mom·vel + lr·(∇ − λW), θ ← θ + vel.
// It draws one number from rng.
func (t *Trainer) Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) {
	rows(v0, t.RBM.Visible(), "minibatch")
	if v0.Shape()[0] != t.n {
		panic(fmt.Sprintf("rbm: minibatch of %d rows, trainer made for %d", v0.Shape()[0], t.n))
	}
	seed := rng.Uint64()
	if t.RBM.Dtype() == tensor.Float32 {
		if t.loadBatch32(v0) {
			t.sparse.step(lr, mom, seed)
		} else {
			if t.fast != nil || t.swaps != nil {
				panic(fmt.Sprintf("rbm: sampler %s needs binary data (0 and 1), and the minibatch is not", t.cfg.Sampler))
			}
			step[float32](t, lr, mom, seed)
		}
	} else {
		copy(numeric.Data[float64](t.x)[:t.n*t.RBM.Visible()], numeric.Data[float64](v0))
		step[float64](t, lr, mom, seed)
	}
}

func (t *Trainer) loadBatch32(v0 *tensor.Dense) bool {
	if t.sparse == nil {
		copy(numeric.Data[float32](t.x)[:t.n*t.RBM.Visible()], numeric.Data[float32](v0))
		return false
	}
	return t.sparse.load(v0)
}

// gatherBlock is the width of the column blocks of the row sums: 128
// columns of a 784-row W (400 kB) stay in a core's L2 cache while the rows
// of a batch pass over them.
const gatherBlock = 128

// rowBlock is the fewest rows a goroutine of a fused pass takes.
const rowBlock = 8

// step is the dense step, for data that is not binary; loadBatch has copied
// the batch into x.
func step[T numeric.Float](t *Trainer, lr, mom float64, seed uint64) {
	r := t.RBM
	n, m, k := t.n, t.m, t.cfg.K
	nv, nh := r.Visible(), r.Hidden()
	w, b, c := numeric.Data[T](r.W), numeric.Data[T](r.B), numeric.Data[T](r.C)
	x, p, h, pv := numeric.Data[T](t.x), numeric.Data[T](t.p), numeric.Data[T](t.h), numeric.Data[T](t.pv)
	xd, xm := x[:n*nv], x[n*nv:]
	pd, pm := p[:n*nh], p[n*nh:]

	// Positive phase: P_data = p(h|v0)/n. Under CD the chains start here:
	// their first hidden sample is drawn from the same probabilities.
	numeric.Gemm(false, false, n, nh, nv, 1, xd, w, 0, pd)
	invN := 1 / T(n)
	numeric.ParallelRange(n, rowBlock, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := pd[i*nh : (i+1)*nh]
			sigmoidRow(row, c)
			if !t.cfg.Persistent {
				s := numeric.NewStream(seed, 0, uint64(i))
				numeric.BernoulliRow(h[i*nh:(i+1)*nh], row, &s)
			}
			for j := range row {
				row[j] *= invN
			}
		}
	})
	pass := uint64(1)
	if t.cfg.Persistent {
		// The chains' hidden sample, from their last visible state.
		numeric.Gemm(false, false, m, nh, nv, 1, xm, w, 0, pm)
		sampleRows(pm, h, c, nh, seed, pass)
		pass++
	}
	// k steps of block Gibbs: v ~ p(v|h), then p(h|v) and, but for the
	// last step, h ~ p(h|v). The last p(h|v) is the negative statistic.
	invM := -1 / T(m)
	for step := range k {
		numeric.Gemm(false, true, m, nv, nh, 1, h, w, 0, pv)
		numeric.ParallelRange(m, rowBlock, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				row := pv[i*nv : (i+1)*nv]
				sigmoidRow(row, b)
				s := numeric.NewStream(seed, pass, uint64(i))
				numeric.BernoulliRow(xm[i*nv:(i+1)*nv], row, &s)
			}
		})
		pass++
		numeric.Gemm(false, false, m, nh, nv, 1, xm, w, 0, pm)
		if step < k-1 {
			sampleRows(pm, h, c, nh, seed, pass)
			pass++
			continue
		}
		numeric.ParallelRange(m, rowBlock, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				row := pm[i*nh : (i+1)*nh]
				sigmoidRow(row, c)
				for j := range row {
					row[j] *= invM
				}
			}
		})
	}

	// ∇W = XᵀP in one product; ∇b and ∇c are column sums.
	gw, gb, gc := numeric.Data[T](t.grad.W), numeric.Data[T](t.grad.B), numeric.Data[T](t.grad.C)
	numeric.Gemm(true, false, nv, nh, n+m, 1, x, p, 0, gw)
	colSums(t.scratchV, xd, nv)
	for j := range gb {
		gb[j] = T(t.scratchV[j] / float64(n))
	}
	colSums(t.scratchV, xm, nv)
	for j := range gb {
		gb[j] -= T(t.scratchV[j] / float64(m))
	}
	colSums(t.scratchH, p, nh)
	for j := range gc {
		gc[j] = T(t.scratchH[j])
	}
	if t.cfg.SparsityTarget > 0 {
		sparsityPenalty[T](t, xd, pd)
	}
	applyUpdate[T](t, lr, mom)
}

// sigmoidRow sets row[j] = σ(row[j] + bias[j]).
func sigmoidRow[T numeric.Float](row, bias []T) { numeric.SigmoidBias(row, bias) }

// sampleRows turns the pre-activations z [rows, d] into p(h|v) = σ(z + c)
// and draws h from them, row i from stream (seed, pass, i).
func sampleRows[T numeric.Float](z, h, c []T, d int, seed, pass uint64) {
	numeric.ParallelRange(len(z)/d, rowBlock, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := z[i*d : (i+1)*d]
			sigmoidRow(row, c)
			s := numeric.NewStream(seed, pass, uint64(i))
			numeric.BernoulliRow(h[i*d:(i+1)*d], row, &s)
		}
	})
}

// colSums sets dst to the column sums of the row-major a with len(dst) columns.
func colSums[T numeric.Float](dst []float64, a []T, d int) {
	clear(dst)
	for r := 0; r+d <= len(a); r += d {
		for j, v := range a[r : r+d] {
			dst[j] += float64(v)
		}
	}
}

// sparsityPenalty updates the running activity q from P_data (p(h|v0)/n)
// and subtracts the sparsity penalty from the gradient.
func sparsityPenalty[T numeric.Float](t *Trainer, xd, pd []T) {
	nv := t.RBM.Visible()
	q := numeric.Data[T](t.q)
	gw, gc := numeric.Data[T](t.grad.W), numeric.Data[T](t.grad.C)
	nh := len(q)
	act, vmean := t.scratchH, t.scratchV
	colSums(act, pd, nh) // the mean activity: P_data is already divided by n
	colSums(vmean, xd, nv)
	for k := range vmean {
		vmean[k] /= float64(t.n)
	}
	for j := range q {
		q[j] = T(0.9*float64(q[j]) + 0.1*act[j])
		pen := t.cfg.SparsityCost * (float64(q[j]) - t.cfg.SparsityTarget)
		gc[j] -= T(pen)
		for k := range nv {
			gw[k*nh+j] -= T(pen * vmean[k])
		}
	}
}

// applyUpdate makes the momentum step, the weights split across the cores.
func applyUpdate[T numeric.Float](t *Trainer, lr, mom float64) {
	r := t.RBM
	w, b, c := numeric.Data[T](r.W), numeric.Data[T](r.B), numeric.Data[T](r.C)
	gw, gb, gc := numeric.Data[T](t.grad.W), numeric.Data[T](t.grad.B), numeric.Data[T](t.grad.C)
	vw, vb, vc := numeric.Data[T](t.vel.W), numeric.Data[T](t.vel.B), numeric.Data[T](t.vel.C)
	tl, tm, wd := T(lr), T(mom), T(t.cfg.WeightDecay)
	numeric.ParallelRange(len(w), 1<<14, func(lo, hi int) {
		w, gw, vw := w[lo:hi], gw[lo:hi], vw[lo:hi]
		for i := range w {
			vw[i] = tm*vw[i] + tl*(gw[i]-wd*w[i])
			w[i] += vw[i]
		}
	})
	for i := range b {
		vb[i] = tm*vb[i] + tl*gb[i]
		b[i] += vb[i]
	}
	for i := range c {
		vc[i] = tm*vc[i] + tl*gc[i]
		c[i] += vc[i]
	}
}

// gibbsFrom is Gibbs for a chain whose PH already holds p(h|V).
func (r *RBM) gibbsFrom(c *Chain, k int, rng *rand.Rand) {
	for range k {
		Sample(c.H, c.PH, rng)
		r.VisibleProbs(c.H, c.PV)
		Sample(c.V, c.PV, rng)
		r.HiddenProbs(c.V, c.PH)
	}
}
