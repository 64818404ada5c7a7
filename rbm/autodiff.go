package rbm

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/energy"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// AutodiffGradient computes the RBM's likelihood gradient with Gorgonia's
// automatic differentiation instead of the sufficient statistics: it builds
// the free energy F(v) = −vᵀb − Σ_j softplus(c_j + (vᵀW)_j) as an expression
// graph and differentiates mean F(v_data) − mean F(v_model), with the model
// samples fed in as constants (the Theano tutorial's consider_constant).
// The negative of that derivative is the ascent direction that
// [RBM.StatsGradient] computes in closed form.
//
// A graph serves every call with the same batch shapes; build one per shape
// (Gorgonia's Let refuses a change of shape).
type AutodiffGradient struct {
	fe              *energy.FreeEnergyGradient
	visible, hidden int
}

// FreeEnergyExpr builds the binary RBM's free energy
// F(v) = −vᵀb − Σ_j softplus(c_j + (vW)_j) for each row of v, as a graph
// node of shape [N]: the expression for a model of one's own built on it
// (energy.ModelOf).
func FreeEnergyExpr(v, w, b, c *G.Node) (*G.Node, error) {
	vb, err := G.Mul(v, b)
	if err != nil {
		return nil, err
	}
	vw, err := G.Mul(v, w)
	if err != nil {
		return nil, err
	}
	pre, err := G.BroadcastAdd(vw, c, nil, []byte{0})
	if err != nil {
		return nil, err
	}
	sp, err := G.Softplus(pre)
	if err != nil {
		return nil, err
	}
	s, err := G.Sum(sp, 1)
	if err != nil {
		return nil, err
	}
	f, err := G.Add(vb, s)
	if err != nil {
		return nil, err
	}
	return G.Neg(f)
}

// NewAutodiffGradient builds the graph for r's shape and dtype with nData
// data rows and nModel model rows.
func NewAutodiffGradient(r *RBM, nData, nModel int) (*AutodiffGradient, error) {
	fe, err := energy.NewParameterGradient(rbmParameters(r), r.Visible(), nData, nModel, func(v *G.Node, p []*G.Node) (*G.Node, error) {
		return FreeEnergyExpr(v, p[0], p[1], p[2])
	})
	if err != nil {
		return nil, err
	}
	return &AutodiffGradient{fe: fe, visible: r.Visible(), hidden: r.Hidden()}, nil
}

// rbmParameters are W, b, c.
func rbmParameters(r *RBM) []energy.Parameter {
	return []energy.Parameter{{Name: NameW, T: r.W}, {Name: NameB, T: r.B}, {Name: NameC, T: r.C}}
}

// Compute sets out to the ascent direction −∂/∂θ [mean F(vData) − mean F(vModel)]
// at r's current parameters.
func (a *AutodiffGradient) Compute(r *RBM, vData, vModel *tensor.Dense, out *Gradient) error {
	if r.Visible() != a.visible || r.Hidden() != a.hidden {
		return fmt.Errorf("rbm: graph built for %d×%d, model is %d×%d", a.visible, a.hidden, r.Visible(), r.Hidden())
	}
	return a.fe.ComputeParameters(rbmParameters(r), vData, vModel, []*tensor.Dense{out.W, out.B, out.C})
}
