package rbm

import (
	"fmt"
	"math/rand/v2"

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
	return nil
}

// Trainer updates an RBM by CD-k or PCD-k with momentum, weight decay and an
// optional sparsity target. It owns every buffer of the update, so a step
// allocates nothing.
type Trainer struct {
	RBM *RBM
	cfg TrainConfig

	pos  *Chain // PH holds p(h|data) of the current batch
	neg  *Chain // the negative chains; V persists under PCD
	grad *Gradient
	vel  *Gradient     // momentum buffers
	q    *tensor.Dense // running mean hidden activity, for sparsity
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
	nneg := batch
	if cfg.Persistent {
		nneg = cfg.Chains
	}
	t := &Trainer{
		RBM:  r,
		cfg:  cfg,
		pos:  r.NewChain(batch),
		neg:  r.NewChain(nneg),
		grad: r.NewGradient(),
		vel:  r.NewGradient(),
		q:    tensor.New(tensor.WithShape(r.Hidden()), tensor.Of(r.Dtype())),
	}
	if cfg.Persistent {
		// Persistent chains start from samples of the visible biases' own
		// distribution p(v|h=0), which after InitHinton are the data's base rates.
		r.VisibleProbs(t.neg.H, t.neg.PV)
		Sample(t.neg.V, t.neg.PV, rng)
	}
	return t, nil
}

// Config returns the trainer's configuration.
func (t *Trainer) Config() TrainConfig { return t.cfg }

// Step makes one update from the minibatch v0 [batch, visible] with learning
// rate lr and momentum mom: vel ← mom·vel + lr·(∇ − λW), θ ← θ + vel.
func (t *Trainer) Step(v0 *tensor.Dense, lr, mom float64, rng *rand.Rand) {
	r := t.RBM
	r.HiddenProbs(v0, t.pos.PH)
	if t.cfg.Persistent {
		r.Gibbs(t.neg, t.cfg.K, rng)
	} else {
		// CD-k starts the chain at the data; its first p(h|v) is the positive one.
		copyInto(t.neg.V, v0)
		copyInto(t.neg.PH, t.pos.PH)
		r.gibbsFrom(t.neg, t.cfg.K, rng)
	}
	r.StatsGradient(t.grad, v0, t.pos.PH, t.neg.V, t.neg.PH)
	if r.Dtype() == tensor.Float32 {
		applyUpdate[float32](t, v0, lr, mom)
	} else {
		applyUpdate[float64](t, v0, lr, mom)
	}
}

func applyUpdate[T numeric.Float](t *Trainer, v0 *tensor.Dense, lr, mom float64) {
	r := t.RBM
	w, b, c := numeric.Data[T](r.W), numeric.Data[T](r.B), numeric.Data[T](r.C)
	gw, gb, gc := numeric.Data[T](t.grad.W), numeric.Data[T](t.grad.B), numeric.Data[T](t.grad.C)
	vw, vb, vc := numeric.Data[T](t.vel.W), numeric.Data[T](t.vel.B), numeric.Data[T](t.vel.C)
	nh := len(c)
	if t.cfg.SparsityTarget > 0 {
		q := numeric.Data[T](t.q)
		ph := numeric.Data[T](t.pos.PH)
		n := len(ph) / nh
		act := make([]float64, nh)
		for i := range n {
			for j, p := range ph[i*nh : (i+1)*nh] {
				act[j] += float64(p)
			}
		}
		vmean := make([]float64, len(b))
		v := numeric.Data[T](v0)
		for i := range n {
			for k, x := range v[i*len(b) : (i+1)*len(b)] {
				vmean[k] += float64(x) / float64(n)
			}
		}
		for j := range q {
			q[j] = T(0.9*float64(q[j]) + 0.1*act[j]/float64(n))
			pen := t.cfg.SparsityCost * (float64(q[j]) - t.cfg.SparsityTarget)
			gc[j] -= T(pen)
			for k := range b {
				gw[k*nh+j] -= T(pen * vmean[k])
			}
		}
	}
	tl, tm, wd := T(lr), T(mom), T(t.cfg.WeightDecay)
	for i := range w {
		vw[i] = tm*vw[i] + tl*(gw[i]-wd*w[i])
		w[i] += vw[i]
	}
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

// copyInto copies the data of src into dst, of the same shape and dtype.
func copyInto(dst, src *tensor.Dense) {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d, src.Data().([]float32))
	case []float64:
		copy(d, src.Data().([]float64))
	}
}
