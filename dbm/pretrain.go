package dbm

import "github.com/boltzmann-go/boltzmann/internal/numeric"

// carryUp fills t.up[0…l] with the data carried up to layer l by the
// pretrained layers below, each by its RBM's p(h|x) (the bottom RBM's
// input doubled, as in the paper's code), for the first rows rows of x;
// when sample is set, by states drawn from it with the streams of key.
func (t *Trainer) carryUp(x []float32, rows, l int, up [][]float32, sample bool, key uint64) {
	d := t.DBM
	up[0] = x[:rows*d.n(0)]
	for j := 0; j < l; j++ {
		s, _ := t.rbmScales(j)
		n := d.n(j + 1)
		d.product(up[j+1], j+1, rows, up[j], nil, s, 0)
		sigmoidRows(up[j+1][:rows*n], scaled(t.biasH, d.b(j+1), s))
		if sample {
			drawRows(up[j+1][:rows*n], n, key, carryStreams+uint64(j), 0)
		}
	}
}

// The stream families of pretraining's draws beyond the hidden states'
// (which use family 0): a family's row r draws from stream
// (key, family<<32 + r, step); layer j's carried-up states use family
// carryStreams + j.
const (
	reconStreams = 1
	carryStreams = 2
)

// drawRows replaces the probabilities p [rows, n] by Bernoulli draws, row r
// from stream (key, family<<32 + r, step).
func drawRows(p []float32, n int, key, family, step uint64) {
	for r := range len(p) / n {
		s := numeric.NewStream(key, family<<32+uint64(r), step)
		numeric.BernoulliRow(p[r*n:(r+1)*n], p[r*n:(r+1)*n], &s)
	}
}

// scaled returns s·b in dst's first len(b) elements.
func scaled(dst, b []float32, s float32) []float32 {
	dst = dst[:len(b)]
	for i, x := range b {
		dst[i] = s * x
	}
	return dst
}

// rbmScales are the multipliers of the pretraining RBM between layers l
// and l+1 on its bottom-up and top-down inputs, biases included (the
// paper's code: the bottom RBM's hidden units see 2(Wᵀv + c), the top
// RBM's visible units 2(Wh + b)).
func (t *Trainer) rbmScales(l int) (upScale, downScale float32) {
	upScale, downScale = 1, 1
	if l == 0 {
		upScale = 2
	}
	if l == t.DBM.Depth()-1 {
		downScale = 2
	}
	return upScale, downScale
}

func (t *Trainer) visibleBias(l int) []float32 {
	if l == 0 {
		return t.DBM.b(0)
	}
	return t.vbias[l].Float32s()
}

// reconstruct runs the pretraining RBM of layer l+1 on its data x
// [rows, n_l]: h0p = p(h|x), h0 ~ h0p, x1 = p(x|h0) (when sample is set,
// a draw from it), h1p = p(h|x1); under CD-k, k − 1 more such steps.
func (t *Trainer) reconstruct(l, rows int, x []float32, sample bool, key uint64, h0p, h0, x1, h1p []float32) {
	d := t.DBM
	nv, nh := d.n(l), d.n(l+1)
	up, down := t.rbmScales(l)
	hb, vb := d.b(l+1), t.visibleBias(l)
	hb, vb = scaled(t.biasH, hb, up), scaled(t.biasV, vb, down)
	d.mulRows(false, rows, nh, nv, up, x, d.w(l), 0, h0p[:rows*nh])
	sigmoidRows(h0p[:rows*nh], hb)
	// CD-k: each step draws h from the last p(h|·) (the data's first), then
	// reconstructs.
	from := h0p
	for step := range max(t.cfg.PretrainK, 1) {
		for r := range rows {
			s := numeric.NewStream(key, uint64(r), uint64(step))
			numeric.BernoulliRow(h0[r*nh:(r+1)*nh], from[r*nh:(r+1)*nh], &s)
		}
		from = h1p
		d.mulRows(true, rows, nv, nh, down, h0, d.w(l), 0, x1[:rows*nv])
		sigmoidRows(x1[:rows*nv], vb)
		if sample {
			drawRows(x1[:rows*nv], nv, key, reconStreams, uint64(step))
		}
		d.mulRows(false, rows, nh, nv, up, x1, d.w(l), 0, h1p[:rows*nh])
		sigmoidRows(h1p[:rows*nh], hb)
	}
}

func (t *Trainer) pretrainStep(l int, v []float32, lr, mom float32, key uint64) {
	d := t.DBM
	rows := len(v) / d.Visible()
	t.carryUp(v, rows, l, t.up, t.cfg.PretrainSample, key)
	x := t.up[l]
	nv, nh := d.n(l), d.n(l+1)
	h0p := t.mu[l+1] // free in pretraining
	t.reconstruct(l, rows, x, t.cfg.PretrainSample, key, h0p, t.h0, t.x1, t.h1)
	x1, h1p := t.x1[:rows*nv], t.h1[:rows*nh]
	inv := 1 / float32(rows)
	gW := t.grad.W[l].Float32s()
	d.mulTransA(nv, nh, rows, inv, x, h0p[:rows*nh], 0, gW)
	d.mulTransA(nv, nh, rows, -inv, x1, h1p, 1, gW)
	gh, gv := t.grad.B[l+1].Float32s(), t.gradVB[:nv]
	clear(gh)
	clear(gv)
	for r := range rows {
		for j := range nh {
			gh[j] += (h0p[r*nh+j] - h1p[r*nh+j]) * inv
		}
		for i := range nv {
			gv[i] += (x[r*nv+i] - x1[r*nv+i]) * inv
		}
	}
	t.sparsity(gh, h0p[:rows*nh], rows)
	numeric.Momentum(d.w(l), t.velW[l].Float32s(), gW, lr, mom, float32(t.cfg.PretrainWeightDecay))
	numeric.Momentum(d.b(l+1), t.velB[l+1].Float32s(), gh, lr, mom, 0)
	if l == 0 {
		numeric.Momentum(d.b(0), t.velB[0].Float32s(), gv, lr, mom, 0)
	} else {
		numeric.Momentum(t.vbias[l].Float32s(), t.velVB[l].Float32s(), gv, lr, mom, 0)
	}
}

// sparsity adds cost·(target − mean activity) to a hidden bias gradient.
func (t *Trainer) sparsity(g, act []float32, rows int) {
	if t.cfg.SparsityTarget <= 0 || t.cfg.SparsityCost == 0 {
		return
	}
	n := len(g)
	c := float32(t.cfg.SparsityCost) / float32(rows)
	for r := range rows {
		for j := range n {
			g[j] += c * (float32(t.cfg.SparsityTarget) - act[r*n+j])
		}
	}
}
