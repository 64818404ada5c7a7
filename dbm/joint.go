package dbm

import "github.com/boltzmann-go/boltzmann/internal/numeric"

// modelStates are the chains' statistics: the odd layers' samples and the
// even layers' probabilities.
func (t *Trainer) modelStates() [][]float32 {
	for l := range t.model {
		if l%2 == 1 {
			t.model[l] = t.chains[l].Float32s()
		} else {
			t.model[l] = t.probs[l]
		}
	}
	return t.model
}

// statistics sets t.grad to ⟨x_l x_{l+1}ᵀ⟩ and ⟨x_l⟩ under the data's
// mean-field means minus the same under the model states.
func (t *Trainer) statistics(data [][]float32, rows int, model [][]float32, m int) {
	d := t.DBM
	for l := range d.W {
		n, k := d.n(l), d.n(l+1)
		g := t.grad.W[l].Float32s()
		d.mulTransA(n, k, rows, 1/float32(rows), data[l][:rows*n], data[l+1][:rows*k], 0, g)
		d.mulTransA(n, k, m, -1/float32(m), model[l][:m*n], model[l+1][:m*k], 1, g)
	}
	for l := range d.B {
		n := d.n(l)
		g := t.grad.B[l].Float32s()
		clear(g)
		for r := range rows {
			for i, x := range data[l][r*n : (r+1)*n] {
				g[i] += x / float32(rows)
			}
		}
		for r := range m {
			for i, x := range model[l][r*n : (r+1)*n] {
				g[i] -= x / float32(m)
			}
		}
	}
}

func (t *Trainer) jointStep(v []float32, lr, mom float32, key uint64) {
	d := t.DBM
	rows := len(v) / d.Visible()
	d.MeanField(v, rows, t.mu, t.cfg.MeanField)
	t.prepareSweeps()
	for pass := range t.cfg.K {
		t.sweep(key, pass)
	}
	t.statistics(t.mu, rows, t.modelStates(), t.cfg.Chains)
	for l := 1; l < len(d.B); l++ {
		t.sparsity(t.grad.B[l].Float32s(), t.mu[l][:rows*d.n(l)], rows)
	}
	for l := range d.W {
		numeric.Momentum(d.w(l), t.velW[l].Float32s(), t.grad.W[l].Float32s(), lr, mom, float32(t.cfg.WeightDecay))
	}
	for l := range d.B {
		numeric.Momentum(d.b(l), t.velB[l].Float32s(), t.grad.B[l].Float32s(), lr, mom, 0)
	}
}
