package dbm

import (
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// compose turns the pretrained stack into the DBM, the velocities zeroed,
// and starts the persistent chains from the minibatch's rows (in turn)
// with hidden states drawn from their mean-field posterior.
//
// Each pretraining RBM modelled a layer's whole input in the DBM from one
// side: the one below from its bottom-up input s_up·(Wᵀx + c), the one
// above from its top-down input s_down·(Wh + b). In the DBM a hidden layer
// below the top gets half of each: the couplings of the middle RBMs
// (scales 1) are halved (the bottom and top RBMs' doubled couplings are
// already the halves), and the bias of hidden layer l < L is
// (s_up·c_l + s_down·b_l)/2 — for two layers c_1 + b_1, the sum of the
// paper's code (its stored biases are the halves).
func (t *Trainer) compose(v []float32, key uint64) {
	d := t.DBM
	L := d.Depth()
	for l := 1; l < L-1; l++ {
		for i := range d.w(l) {
			d.w(l)[i] *= 0.5
		}
	}
	for l := 1; l < L; l++ {
		up, _ := t.rbmScales(l - 1)
		_, down := t.rbmScales(l)
		b, vb := d.b(l), t.vbias[l].Float32s()
		for i := range b {
			b[i] = (up*b[i] + down*vb[i]) / 2
		}
	}
	for _, vel := range append(append(append([]*tensor.Dense(nil), t.velW...), t.velB...), t.velVB...) {
		if vel != nil {
			clear(vel.Float32s())
		}
	}
	nv := d.Visible()
	rows := len(v) / nv
	d.MeanField(v, rows, t.mu, t.cfg.MeanField)
	for c := range t.cfg.Chains {
		r := c % rows
		s := numeric.NewStream(key, uint64(c), 0)
		copy(t.chains[0].Float32s()[c*nv:(c+1)*nv], v[r*nv:(r+1)*nv])
		for l := 1; l <= L; l++ {
			n := d.n(l)
			numeric.BernoulliRow(t.chains[l].Float32s()[c*n:(c+1)*n], t.mu[l][r*n:(r+1)*n], &s)
		}
	}
	t.composed.Float32s()[0] = 1
}
