package rbm

import (
	"fmt"
	"math"

	"github.com/boltzmann-go/boltzmann/ais"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// annealer runs chains on p_β(v) ∝ f_β(v) with
//
//	log f_β(v) = (1−β)·b_Aᵀv + β·bᵀv + Σ_j softplus(β·(c_j + (vᵀW)_j)),
//
// the geometric path of Salakhutdinov & Murray (2008, eq. 14) with the hidden
// units summed out; at β = 0 its normaliser is Z_A = 2^H Π_i (1 + e^{b_A,i})
// and at β = 1 it is the RBM's.
//
// The states are binary, so on CPUs with vector kernels (float32) the
// products v·W and h·Wᵀ are sums of the rows of W and Wᵀ where the states
// are on, as in the trainer's step. Chain i draws from its own stream, so
// the result does not depend on how the chains fall to goroutines.
type annealer[T numeric.Float] struct {
	w, wt, b, c, bA []T
	nv, nh, n       int
	v, pre          []T // [n, nv] states, [n, nh] v·W
	h, pv           []T // [n, nh], [n, nv]
	streams         []numeric.Stream
	sparse          bool
	vIdx, hIdx      []int32 // the units on in each row of v and h
	vOn, hOn        []int
	betaC, biasV    []T // β·c and (1−β)·b_A + β·b of the current transition
}

func newAnnealer[T numeric.Float](r *RBM, bA []float64, n int, seed uint64, offset int) *annealer[T] {
	a := &annealer[T]{
		w: numeric.Data[T](r.W), b: numeric.Data[T](r.B), c: numeric.Data[T](r.C),
		nv: r.Visible(), nh: r.Hidden(), n: n,
	}
	a.bA = make([]T, len(bA))
	for i, x := range bA {
		a.bA[i] = T(x)
	}
	a.v, a.pv = make([]T, n*a.nv), make([]T, n*a.nv)
	a.pre, a.h = make([]T, n*a.nh), make([]T, n*a.nh)
	a.streams = make([]numeric.Stream, n)
	for i := range a.streams {
		a.streams[i] = numeric.NewStream(seed, uint64(offset+i), 0)
	}
	a.vIdx, a.vOn = make([]int32, n*a.nv), make([]int, n)
	a.hIdx, a.hOn = make([]int32, n*a.nh), make([]int, n)
	a.betaC, a.biasV = make([]T, a.nh), make([]T, a.nv)
	if _, ok := any(a.w).([]float32); ok && numeric.VectorKernels() {
		a.sparse = true
		a.wt = make([]T, len(a.w))
		numeric.Transpose(a.wt, a.w, a.nv, a.nh)
	}
	return a
}

// setStates copies binary states into v; it reports an error naming the
// first row with a value other than 0 or 1.
func (a *annealer[T]) setStates(data []T) error {
	copy(a.v, data)
	for i := range a.n {
		var binary bool
		a.vOn[i], binary = numeric.ActiveIndices(a.vIdx[i*a.nv:(i+1)*a.nv], a.v[i*a.nv:(i+1)*a.nv])
		if !binary {
			return fmt.Errorf("rbm: AIS needs binary states; row %d is not", i)
		}
	}
	return nil
}

// rows runs f over row ranges split across the cores.
func (a *annealer[T]) rows(f func(lo, hi int)) { numeric.ParallelRange(a.n, 1, f) }

// products sets pre = v·W.
func (a *annealer[T]) products() {
	if !a.sparse {
		numeric.Gemm(false, false, a.n, a.nh, a.nv, 1, a.v, a.w, 0, a.pre)
		return
	}
	a.rows(func(lo, hi int) {
		numeric.GatherSumRows(a.pre, a.w, a.nh, lo, hi, gatherBlock, func(i int) []int32 { return a.vIdx[i*a.nv : i*a.nv+a.vOn[i]] })
	})
}

// logF returns log f_β(v) of row i from pre.
func (a *annealer[T]) logF(beta float64, i int) float64 {
	lin := 0.0
	for k, x := range a.v[i*a.nv : (i+1)*a.nv] {
		if x != 0 {
			lin += float64(x) * ((1-beta)*float64(a.bA[k]) + beta*float64(a.b[k]))
		}
	}
	for j, x := range a.pre[i*a.nh : (i+1)*a.nh] {
		lin += numeric.Softplus(beta * float64(x+a.c[j]))
	}
	return lin
}

// addDelta adds log f_hi(v) − log f_lo(v) to acc for every row, from pre,
// in float64. The difference is formed unit by unit, so that it keeps its
// precision when hi − lo is 1e-5 and the log f are in the hundreds:
// softplus(hi·z) − softplus(lo·z) = log[(1 + e^{hi·z}) / (1 + e^{lo·z})]
// for z ≤ 0, and (hi − lo)·z plus the same with −z for z > 0, so that no
// exponential overflows. The ratios, each near 1, are multiplied and their
// product taken the logarithm of once per row (rescaled if it strays far
// from 1), which saves a logarithm per unit.
func (a *annealer[T]) addDelta(acc []float64, hi, lo float64) {
	a.rows(func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			d := 0.0
			for k, x := range a.v[i*a.nv : (i+1)*a.nv] {
				if x != 0 {
					d += float64(x) * (float64(a.b[k]) - float64(a.bA[k]))
				}
			}
			d *= hi - lo
			prod := 1.0
			for j, x := range a.pre[i*a.nh : (i+1)*a.nh] {
				z := float64(x + a.c[j])
				if z > 0 {
					d += (hi - lo) * z
					z = -z
				}
				prod *= (1 + math.Exp(hi*z)) / (1 + math.Exp(lo*z))
				if prod > 1e100 || prod < 1e-100 {
					d += math.Log(prod)
					prod = 1
				}
			}
			acc[i] += d + math.Log(prod)
		}
	})
}

// transition applies one Gibbs sweep that leaves p_β invariant, given
// pre = v·W: h ~ σ(β(vW + c)), then v ~ σ((1−β)b_A + β(b + Wh)).
func (a *annealer[T]) transition(beta float64) {
	tb := T(beta)
	for j, c := range a.c {
		a.betaC[j] = tb * c
	}
	for k := range a.biasV {
		a.biasV[k] = T((1-beta)*float64(a.bA[k]) + beta*float64(a.b[k]))
	}
	a.rows(func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			h := a.h[i*a.nh : (i+1)*a.nh]
			for j, x := range a.pre[i*a.nh : (i+1)*a.nh] {
				h[j] = tb * x
			}
			numeric.SigmoidBias(h, a.betaC)
			a.hOn[i] = numeric.BernoulliRowActive(h, h, &a.streams[i], a.hIdx[i*a.nh:(i+1)*a.nh])
		}
	})
	if a.sparse {
		a.rows(func(lo, hi int) {
			numeric.GatherSumRows(a.pv, a.wt, a.nv, lo, hi, gatherBlock, func(i int) []int32 { return a.hIdx[i*a.nh : i*a.nh+a.hOn[i]] })
		})
	} else {
		numeric.Gemm(false, true, a.n, a.nv, a.nh, 1, a.h, a.w, 0, a.pv)
	}
	a.rows(func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			pv := a.pv[i*a.nv : (i+1)*a.nv]
			for k := range pv {
				pv[k] *= tb
			}
			numeric.SigmoidBias(pv, a.biasV)
			a.vOn[i] = numeric.BernoulliRowActive(a.v[i*a.nv:(i+1)*a.nv], pv, &a.streams[i], a.vIdx[i*a.nv:(i+1)*a.nv])
		}
	})
}

// logZBase is log Z_A = H·log 2 + Σ_i softplus(b_A,i).
func logZBase(bA []float64, nh int) float64 {
	z := float64(nh) * math.Ln2
	for _, x := range bA {
		z += numeric.Softplus(x)
	}
	return z
}

// AIS estimates log Z by annealed importance sampling from the base-rate
// model bA (see [BaseRates]) to r, with cfg.Runs chains in one batch
// (Salakhutdinov & Murray 2008, §4). It returns the estimate and the log
// weight of every run.
func (r *RBM) AIS(bA []float64, cfg ais.Config) (ais.Estimate, []float64, error) {
	if len(bA) != r.Visible() {
		return ais.Estimate{}, nil, fmt.Errorf("rbm: %d base rates for %d visible units", len(bA), r.Visible())
	}
	// One block of every chain: the annealer splits its rows over the
	// cores itself.
	return ais.Run(cfg, logZBase(bA, r.Hidden()), 1, func(lo, hi int) ais.Chains {
		if r.Dtype() == tensor.Float32 {
			return newAnnealer[float32](r, bA, hi-lo, cfg.Seed, lo).fromBase(bA)
		}
		return newAnnealer[float64](r, bA, hi-lo, cfg.Seed, lo).fromBase(bA)
	})
}

// fromBase draws every chain's visible units from the base model.
func (a *annealer[T]) fromBase(bA []float64) *annealer[T] {
	for k := range a.biasV {
		a.biasV[k] = T(bA[k])
	}
	a.rows(func(r0, r1 int) {
		for i := r0; i < r1; i++ {
			pv := a.pv[i*a.nv : (i+1)*a.nv]
			clear(pv)
			numeric.SigmoidBias(pv, a.biasV)
			a.vOn[i] = numeric.BernoulliRowActive(a.v[i*a.nv:(i+1)*a.nv], pv, &a.streams[i], a.vIdx[i*a.nv:(i+1)*a.nv])
		}
	})
	return a
}

// AddLogRatio adds log f_hi(v) − log f_lo(v) of every chain to logw
// (ais.Chains).
func (a *annealer[T]) AddLogRatio(logw []float64, hi, lo float64) {
	a.products()
	a.addDelta(logw, hi, lo)
}

// Transition is one Gibbs sweep at β (ais.Chains).
func (a *annealer[T]) Transition(beta float64) { a.transition(beta) }

// RAISE estimates log p(v) for each row of data by reverse annealing
// (Burda, Grosse & Salakhutdinov, AISTATS 2015): each chain starts at a data
// vector and anneals back to the base model along the schedule, reversed.
// The Gibbs sweep on v (h summed out) is reversible, so its reversal is
// itself, and
//
//	log p̂(v) = log f_K(v) + Σ_{k=1..K} [log f_{k−1}(x_{k−1}) − log f_k(x_{k−1})] − log Z_A
//
// is a stochastic lower bound on the log-likelihood of the annealing model
// (the distribution of forward AIS's final states), which approaches the
// RBM as the schedule lengthens: the conservative side of AIS. One chain per
// row; cfg.Runs rows are annealed at once.
func (r *RBM) RAISE(bA []float64, data *tensor.Dense, cfg ais.Config) ([]float64, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	n := rows(data, r.Visible(), "data")
	if len(bA) != r.Visible() {
		return nil, fmt.Errorf("rbm: %d base rates for %d visible units", len(bA), r.Visible())
	}
	out := make([]float64, 0, n)
	K := len(cfg.Betas) - 1
	total := K * ((n + cfg.Runs - 1) / cfg.Runs)
	for lo := 0; lo < n; lo += cfg.Runs {
		m := min(cfg.Runs, n-lo)
		chunk := cfg
		if cfg.Progress != nil {
			done := K * (lo / cfg.Runs)
			chunk.Progress = func(k, _ int) { cfg.Progress(done+k, total) }
		}
		var part []float64
		var err error
		if r.Dtype() == tensor.Float32 {
			a := newAnnealer[float32](r, bA, m, cfg.Seed, lo)
			if err := a.setStates(numeric.Data[float32](data)[lo*a.nv : (lo+m)*a.nv]); err != nil {
				return nil, fmt.Errorf("%w (data row %d on)", err, lo)
			}
			part, err = reverseAIS(a, chunk)
		} else {
			a := newAnnealer[float64](r, bA, m, cfg.Seed, lo)
			if err := a.setStates(numeric.Data[float64](data)[lo*a.nv : (lo+m)*a.nv]); err != nil {
				return nil, fmt.Errorf("%w (data row %d on)", err, lo)
			}
			part, err = reverseAIS(a, chunk)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, part...)
	}
	zA := logZBase(bA, r.Hidden())
	for i := range out {
		out[i] -= zA
	}
	return out, nil
}

func reverseAIS[T numeric.Float](a *annealer[T], cfg ais.Config) ([]float64, error) {
	betas := cfg.Betas
	K := len(betas) - 1
	acc := make([]float64, a.n)
	a.products()
	for i := range acc {
		acc[i] = a.logF(1, i)
	}
	for k := K; k >= 1; k-- {
		if err := cfg.Err(); err != nil {
			return nil, err
		}
		a.transition(betas[k])
		a.products()
		a.addDelta(acc, betas[k-1], betas[k])
		if cfg.Progress != nil && ((K-k+1)%100 == 0 || k == 1) {
			cfg.Progress(K-k+1, K)
		}
	}
	return acc, nil
}
