package rbm

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/energy"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/pool"
	"gorgonia.org/tensor"
)

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
	cfg energy.TrainConfig

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

	pool    *pool.Pool      // the goroutines of the row passes
	sparse  *sparse32       // the float32 path for binary data, where the CPU has vector kernels
	dense32 *dense[float32] // the float32 path for other data
	dense64 *dense[float64] // the float64 path
	fast    *Gradient       // FPCD's fast weights
	swaps   *tensor.Dense   // PT: [2, temperatures−1] swap attempts and acceptances since the last SamplerStats
}

// NewTrainer prepares to train r on minibatches of batch rows. Under PCD
// the chains start from samples of p(v|h=0), drawn with rng.
func NewTrainer(r *RBM, cfg energy.TrainConfig, batch int, rng *rand.Rand) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if batch < 1 {
		return nil, fmt.Errorf("rbm: batch size %d: want at least 1", batch)
	}
	m, mAll := batch, batch
	if cfg.Persistent {
		m, mAll = cfg.Chains, cfg.ChainRows()
	}
	dt, nv, nh := r.Dtype(), r.Visible(), r.Hidden()
	if cfg.Sampler == energy.SamplerFPCD || cfg.Sampler == energy.SamplerPT {
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
	if cfg.Sampler == energy.SamplerFPCD {
		t.fast = r.NewGradient()
	}
	if cfg.Sampler == energy.SamplerPT {
		t.swaps = tensor.New(tensor.WithShape(2, cfg.Temperatures-1), tensor.Of(tensor.Float64))
	}
	t.pool = pool.New()
	if dt == tensor.Float32 {
		t.dense32 = newDense[float32](t)
		if numeric.VectorKernels() {
			t.sparse = newSparse32(t)
		}
	} else {
		t.dense64 = newDense[float64](t)
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
func (t *Trainer) Config() energy.TrainConfig { return t.cfg }

// Step makes one update from the minibatch v0 [batch, visible] with learning
// rate lr and momentum mom: vel ← mom·vel + lr·(∇ − λW), θ ← θ + vel.
// It draws one number from rng. A minibatch of another shape or dtype than
// the trainer's, or non-binary data under FPCD or PT, is refused.
func (t *Trainer) Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) error {
	if s := v0.Shape(); len(s) != 2 || s[0] != t.n || s[1] != t.RBM.Visible() {
		return fmt.Errorf("rbm: minibatch of shape %v, trainer made for [%d %d]", []int(s), t.n, t.RBM.Visible())
	}
	// The typed accessors below reinterpret the bytes of any other dtype.
	if v0.Dtype() != t.RBM.Dtype() {
		return fmt.Errorf("rbm: minibatch of %v, trainer made for %v", v0.Dtype(), t.RBM.Dtype())
	}
	seed := rng.Uint64()
	switch {
	case t.dense64 != nil:
		t.dense64.load(v0.Float64s()) // typed: Data() would box the slice
		t.dense64.step(lr, mom, seed)
	case t.sparse != nil && t.sparse.load(v0):
		t.sparse.step(lr, mom, seed)
	default:
		if t.fast != nil || t.swaps != nil {
			return fmt.Errorf("rbm: sampler %s needs binary data (0 and 1), and the minibatch is not", t.cfg.Sampler)
		}
		t.dense32.load(v0.Float32s())
		t.dense32.step(lr, mom, seed)
	}
	return nil
}

// gatherBlock is the width of the column blocks of the row sums: 128
// columns of a 784-row W (400 kB) stay in a core's L2 cache while the rows
// of a batch pass over them.
const gatherBlock = 128

// rowBlock is the fewest rows a goroutine of a fused pass takes.
const rowBlock = 8

// colSums sets dst to the column sums of the row-major a with len(dst) columns.
func colSums[T numeric.Float](dst []float64, a []T, d int) {
	clear(dst)
	for r := 0; r+d <= len(a); r += d {
		for j, v := range a[r : r+d] {
			dst[j] += float64(v)
		}
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
