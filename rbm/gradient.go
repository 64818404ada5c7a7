package rbm

import (
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// Gradient holds the ascent direction of the mean log-likelihood for each
// parameter, shaped like them.
type Gradient struct {
	W, B, C *tensor.Dense
}

// NewGradient allocates a zero gradient for r.
func (r *RBM) NewGradient() *Gradient {
	dt := r.Dtype()
	return &Gradient{
		W: tensor.New(tensor.WithShape(r.Visible(), r.Hidden()), tensor.Of(dt)),
		B: tensor.New(tensor.WithShape(r.Visible()), tensor.Of(dt)),
		C: tensor.New(tensor.WithShape(r.Hidden()), tensor.Of(dt)),
	}
}

// StatsGradient sets g to the contrastive-divergence estimate of the
// gradient of the mean log-likelihood from the sufficient statistics:
//
//	∂/∂W = ⟨v p(h|v)ᵀ⟩_data − ⟨v p(h|v)ᵀ⟩_model
//	∂/∂b = ⟨v⟩_data − ⟨v⟩_model
//	∂/∂c = ⟨p(h|v)⟩_data − ⟨p(h|v)⟩_model
//
// vData [n, visible] with phData = p(h|vData), and vModel [m, visible] with
// phModel = p(h|vModel); n and m may differ (PCD keeps its own chain count).
func (r *RBM) StatsGradient(g *Gradient, vData, phData, vModel, phModel *tensor.Dense) {
	n := rows(vData, r.Visible(), "vData")
	m := rows(vModel, r.Visible(), "vModel")
	rows(phData, r.Hidden(), "phData")
	rows(phModel, r.Hidden(), "phModel")
	if r.Dtype() == tensor.Float32 {
		statsGradient[float32](r, g, n, m, vData, phData, vModel, phModel)
	} else {
		statsGradient[float64](r, g, n, m, vData, phData, vModel, phModel)
	}
}

func statsGradient[T numeric.Float](r *RBM, g *Gradient, n, m int, vd, phd, vm, phm *tensor.Dense) {
	nv, nh := r.Visible(), r.Hidden()
	gw := numeric.Data[T](g.W)
	numeric.Gemm(true, false, nv, nh, n, 1/T(n), numeric.Data[T](vd), numeric.Data[T](phd), 0, gw)
	numeric.Gemm(true, false, nv, nh, m, -1/T(m), numeric.Data[T](vm), numeric.Data[T](phm), 1, gw)
	colMeanDiff(numeric.Data[T](g.B), numeric.Data[T](vd), n, numeric.Data[T](vm), m)
	colMeanDiff(numeric.Data[T](g.C), numeric.Data[T](phd), n, numeric.Data[T](phm), m)
}

// colMeanDiff sets dst to the column means of a [n, d] minus those of b [m, d].
func colMeanDiff[T numeric.Float](dst, a []T, n int, b []T, m int) {
	d := len(dst)
	sa, sb := make([]float64, d), make([]float64, d)
	for r := range n {
		for j, x := range a[r*d : (r+1)*d] {
			sa[j] += float64(x)
		}
	}
	for r := range m {
		for j, x := range b[r*d : (r+1)*d] {
			sb[j] += float64(x)
		}
	}
	for j := range dst {
		dst[j] = T(sa[j]/float64(n) - sb[j]/float64(m))
	}
}
