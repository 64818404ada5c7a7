package rbm

import (
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// chunkRows bounds the rows processed at once by the scoring functions, so
// that scoring 60,000 images needs tens of megabytes, not gigabytes.
const chunkRows = 5000

// Scores summarise a model on a dataset; each is a mean over its rows.
type Scores struct {
	// FreeEnergy is the mean of F(v).
	FreeEnergy float64 `json:"free_energy"`
	// ReconError is the mean over images of Σ_i (v_i − v̂_i)², where v̂ is the
	// mean-field reconstruction P(v=1 | h = P(h=1|v)): deterministic, in
	// squared pixels per image.
	ReconError float64 `json:"recon_error"`
	// PseudoLogLikelihood is the stochastic estimate D·log σ(F(ṽ) − F(v)),
	// where ṽ is v with one pixel, chosen at random, flipped (as scikit-learn's
	// BernoulliRBM.score_samples does); nats per image.
	PseudoLogLikelihood float64 `json:"pseudo_log_likelihood"`
}

// FreeEnergy returns F(v) for each row of v [N, visible].
func (r *RBM) FreeEnergy(v *tensor.Dense) []float64 {
	n := rows(v, r.Visible(), "v")
	out := make([]float64, n)
	if r.Dtype() == tensor.Float32 {
		score[float32](r, v, out, nil, nil, nil)
	} else {
		score[float64](r, v, out, nil, nil, nil)
	}
	return out
}

// Score computes the free energy, reconstruction error and pseudo-
// log-likelihood of the rows of v; rng picks the flipped pixels.
func (r *RBM) Score(v *tensor.Dense, rng *rand.Rand) Scores {
	n := rows(v, r.Visible(), "v")
	fe, rec, pll := make([]float64, n), make([]float64, n), make([]float64, n)
	if r.Dtype() == tensor.Float32 {
		score[float32](r, v, fe, rec, pll, rng)
	} else {
		score[float64](r, v, fe, rec, pll, rng)
	}
	return Scores{FreeEnergy: ais.Mean(fe), ReconError: ais.Mean(rec), PseudoLogLikelihood: ais.Mean(pll)}
}

// score fills fe with F(v) per row and, when rec and pll are not nil, the
// reconstruction error and the one-flip pseudo-log-likelihood per row. The
// matrix products run one chunk at a time on the BLAS; the element-wise work
// of a chunk is split over goroutines by rows. The flipped pixels are drawn
// from rng up front, in row order, so the result does not depend on the
// split.
func score[T numeric.Float](r *RBM, vt *tensor.Dense, fe, rec, pll []float64, rng *rand.Rand) {
	nv, nh := r.Visible(), r.Hidden()
	w, b, c := numeric.Data[T](r.W), numeric.Data[T](r.B), numeric.Data[T](r.C)
	all := numeric.Data[T](vt)
	n := len(fe)
	var flip []int
	if rec != nil {
		flip = make([]int, n)
		for i := range flip {
			flip[i] = rng.IntN(nv)
		}
	}
	pre := make([]T, min(n, chunkRows)*nh)
	var recon []T
	if rec != nil {
		recon = make([]T, min(n, chunkRows)*nv)
	}
	// rowsOf runs f on row ranges of a chunk of m rows in parallel.
	rowsOf := func(m int, f func(lo, hi int)) {
		const per = 250
		numeric.ParallelFor((m+per-1)/per, func(k int) { f(k*per, min((k+1)*per, m)) })
	}
	for lo := 0; lo < n; lo += chunkRows {
		m := min(chunkRows, n-lo)
		v := all[lo*nv : (lo+m)*nv]
		numeric.Gemm(false, false, m, nh, nv, 1, v, w, 0, pre[:m*nh])
		rowsOf(m, func(r0, r1 int) {
			for i := r0; i < r1; i++ {
				vi, pi := v[i*nv:(i+1)*nv], pre[i*nh:(i+1)*nh]
				fe[lo+i] = freeEnergyRow(vi, pi, b, c)
				if rec == nil {
					continue
				}
				// Flip pixel k (v_k → 1 − v_k): b·v and the hidden
				// pre-activations move by δ·b_k and δ·W[k,:] with δ = 1 − 2v_k.
				k := flip[lo+i]
				delta := 1 - 2*float64(vi[k])
				wk := w[k*nh : (k+1)*nh]
				bv := 0.0
				for j, x := range vi {
					bv += float64(b[j] * x)
				}
				flipped := -(bv + delta*float64(b[k]))
				for j, x := range pi {
					flipped -= numeric.Softplus(float64(x) + delta*float64(wk[j]) + float64(c[j]))
				}
				pll[lo+i] = float64(nv) * numeric.LogSigmoid(flipped-fe[lo+i])
				// Mean-field reconstruction, first half: h = σ(vW + c).
				numeric.AddRowSigmoid(pi, c)
			}
		})
		if rec == nil {
			continue
		}
		// Second half: v̂ = σ(hWᵀ + b), and the squared error.
		numeric.Gemm(false, true, m, nv, nh, 1, pre[:m*nh], w, 0, recon[:m*nv])
		rowsOf(m, func(r0, r1 int) {
			for i := r0; i < r1; i++ {
				ri := recon[i*nv : (i+1)*nv]
				numeric.AddRowSigmoid(ri, b)
				s := 0.0
				for j, x := range v[i*nv : (i+1)*nv] {
					d := float64(x - ri[j])
					s += d * d
				}
				rec[lo+i] = s
			}
		})
	}
}

// freeEnergyRow is F(v) = −bᵀv − Σ_j softplus(c_j + (vᵀW)_j) given the
// products pre = vᵀW.
func freeEnergyRow[T numeric.Float](v, pre, b, c []T) float64 {
	f := 0.0
	for i, x := range v {
		f -= float64(b[i] * x)
	}
	for j, x := range pre {
		f -= numeric.Softplus(float64(x + c[j]))
	}
	return f
}
