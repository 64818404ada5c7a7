package rbm

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/graph"
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
	g               *G.ExprGraph
	w, b, c         *G.Node
	vData, vModel   *G.Node
	gw, gb, gc      G.Value
	vm              G.VM
	nData, nModel   int
	visible, hidden int
}

// freeEnergyExpr builds F(v) for each row of v as a graph node of shape [N].
func freeEnergyExpr(v, w, b, c *G.Node) (*G.Node, error) {
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
	dt := r.Dtype()
	g := G.NewGraph()
	a := &AutodiffGradient{
		g:      g,
		w:      G.NewMatrix(g, dt, G.WithShape(r.Visible(), r.Hidden()), G.WithName("W")),
		b:      G.NewVector(g, dt, G.WithShape(r.Visible()), G.WithName("b")),
		c:      G.NewVector(g, dt, G.WithShape(r.Hidden()), G.WithName("c")),
		vData:  G.NewMatrix(g, dt, G.WithShape(nData, r.Visible()), G.WithName("v_data")),
		vModel: G.NewMatrix(g, dt, G.WithShape(nModel, r.Visible()), G.WithName("v_model")),
		nData:  nData, nModel: nModel, visible: r.Visible(), hidden: r.Hidden(),
	}
	fd, err := freeEnergyExpr(a.vData, a.w, a.b, a.c)
	if err != nil {
		return nil, fmt.Errorf("rbm: building F(v_data): %w", err)
	}
	fm, err := freeEnergyExpr(a.vModel, a.w, a.b, a.c)
	if err != nil {
		return nil, fmt.Errorf("rbm: building F(v_model): %w", err)
	}
	md, err := G.Mean(fd)
	if err != nil {
		return nil, fmt.Errorf("rbm: %w", err)
	}
	mm, err := G.Mean(fm)
	if err != nil {
		return nil, fmt.Errorf("rbm: %w", err)
	}
	cost, err := G.Sub(md, mm)
	if err != nil {
		return nil, fmt.Errorf("rbm: %w", err)
	}
	grads, err := G.Grad(cost, a.w, a.b, a.c)
	if err != nil {
		return nil, fmt.Errorf("rbm: differentiating the free energy: %w", err)
	}
	// The tape machine reuses registers: read results through Read nodes,
	// which copy at the right moment (gorgonia issue #576).
	G.Read(grads[0], &a.gw)
	G.Read(grads[1], &a.gb)
	G.Read(grads[2], &a.gc)
	a.vm = G.NewTapeMachine(g)
	return a, nil
}

// Compute sets out to the ascent direction −∂/∂θ [mean F(vData) − mean F(vModel)]
// at r's current parameters.
func (a *AutodiffGradient) Compute(r *RBM, vData, vModel *tensor.Dense, out *Gradient) error {
	if r.Visible() != a.visible || r.Hidden() != a.hidden {
		return fmt.Errorf("rbm: graph built for %d×%d, model is %d×%d", a.visible, a.hidden, r.Visible(), r.Hidden())
	}
	if err := graph.Run(a.vm, []graph.Binding{graph.Bind(a.w, r.W), graph.Bind(a.b, r.B), graph.Bind(a.c, r.C), graph.Bind(a.vData, vData), graph.Bind(a.vModel, vModel)}); err != nil {
		return fmt.Errorf("rbm: %w", err)
	}
	for _, p := range []struct {
		dst *tensor.Dense
		src G.Value
	}{{out.W, a.gw}, {out.B, a.gb}, {out.C, a.gc}} {
		switch d := p.dst.Data().(type) {
		case []float32:
			graph.Negate(d, p.src.Data().([]float32))
		case []float64:
			graph.Negate(d, p.src.Data().([]float64))
		}
	}
	return nil
}
