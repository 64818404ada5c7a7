package rbm

import (
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// chunkRows bounds the rows processed at once by the scoring functions, so
// that scoring 60,000 images needs a few megabytes, not gigabytes.
const chunkRows = 1000

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
	return Scores{FreeEnergy: mean(fe), ReconError: mean(rec), PseudoLogLikelihood: mean(pll)}
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// score fills fe with F(v) per row and, when rec and pll are not nil, the
// reconstruction error and the one-flip pseudo-log-likelihood per row.
func score[T numeric.Float](r *RBM, vt *tensor.Dense, fe, rec, pll []float64, rng *rand.Rand) {
	nv, nh := r.Visible(), r.Hidden()
	w, b, c := numeric.Data[T](r.W), numeric.Data[T](r.B), numeric.Data[T](r.C)
	all := numeric.Data[T](vt)
	n := len(fe)
	pre := make([]T, min(n, chunkRows)*nh)
	var recon []T
	if rec != nil {
		recon = make([]T, min(n, chunkRows)*nv)
	}
	for lo := 0; lo < n; lo += chunkRows {
		m := min(chunkRows, n-lo)
		v := all[lo*nv : (lo+m)*nv]
		numeric.Gemm(false, false, m, nh, nv, 1, v, w, 0, pre[:m*nh])
		for i := range m {
			fe[lo+i] = freeEnergyRow(v[i*nv:(i+1)*nv], pre[i*nh:(i+1)*nh], b, c)
		}
		if rec == nil {
			continue
		}
		for i := range m {
			vi, pi := v[i*nv:(i+1)*nv], pre[i*nh:(i+1)*nh]
			// Flip pixel k (v_k → 1 − v_k): b·v and the hidden pre-activations
			// move by δ·b_k and δ·W[k,:] with δ = 1 − 2v_k.
			k := rng.IntN(nv)
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
			fv := fe[lo+i]
			pll[lo+i] = float64(nv) * numeric.LogSigmoid(flipped-fv)
		}
		// Mean-field reconstruction: h = σ(vW + c), v̂ = σ(hWᵀ + b).
		numeric.AddRowSigmoid(pre[:m*nh], c)
		numeric.Gemm(false, true, m, nv, nh, 1, pre[:m*nh], w, 0, recon[:m*nv])
		numeric.AddRowSigmoid(recon[:m*nv], b)
		for i := range m {
			s := 0.0
			for j, x := range v[i*nv : (i+1)*nv] {
				d := float64(x - recon[i*nv+j])
				s += d * d
			}
			rec[lo+i] = s
		}
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
