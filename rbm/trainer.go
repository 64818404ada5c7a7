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

	pool    *numeric.Pool   // the goroutines of the row passes
	sparse  *sparse32       // the float32 path for binary data, where the CPU has vector kernels
	dense32 *dense[float32] // the float32 path for other data
	dense64 *dense[float64] // the float64 path
	fast    *Gradient       // FPCD's fast weights
	swaps   *tensor.Dense   // PT: [2, temperatures−1] swap attempts and acceptances since the last SamplerStats
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
	t.pool = numeric.NewPool()
	runtime.AddCleanup(t, (*numeric.Pool).Close, t.pool)
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
func (t *Trainer) Config() TrainConfig { return t.cfg }

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
