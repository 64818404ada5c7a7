package dbm

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// energyExpr builds E(x) = −Σ_l x_l·b_l − Σ_l rowsum((x_l W[l]) ⊙ x_{l+1})
// for each row of the layer states xs, as a node of shape [N]: the DBM's
// energy as one Gorgonia expression.
func energyExpr(xs, w, b []*G.Node) (*G.Node, error) {
	var err error
	do := func(f func() (*G.Node, error)) *G.Node {
		if err != nil {
			return nil
		}
		var n *G.Node
		n, err = f()
		return n
	}
	var neg *G.Node
	add := func(t *G.Node) {
		if neg == nil {
			neg = t
			return
		}
		neg = do(func() (*G.Node, error) { return G.Add(neg, t) })
	}
	for l := range xs {
		add(do(func() (*G.Node, error) { return G.Mul(xs[l], b[l]) }))
	}
	for l := range w {
		xw := do(func() (*G.Node, error) { return G.Mul(xs[l], w[l]) })
		prod := do(func() (*G.Node, error) { return G.HadamardProd(xw, xs[l+1]) })
		add(do(func() (*G.Node, error) { return G.Sum(prod, 1) }))
	}
	if err != nil {
		return nil, err
	}
	return G.Neg(neg)
}

// Gradient is a log-likelihood gradient shaped like the DBM's parameters.
type Gradient struct {
	W, B []*tensor.Dense
}

// NewGradient returns a zero gradient for d.
func NewGradient(d *DBM) *Gradient {
	g := &Gradient{}
	for _, w := range d.W {
		g.W = append(g.W, tensor.New(tensor.WithShape(w.Shape()...), tensor.Of(tensor.Float32)))
	}
	for _, b := range d.B {
		g.B = append(g.B, tensor.New(tensor.WithShape(b.Shape()...), tensor.Of(tensor.Float32)))
	}
	return g
}

// AutodiffGradient differentiates mean E(data states) − mean E(model
// states) with Gorgonia, the states held constant: minus that is the
// stochastic-approximation gradient of the log-likelihood, which the
// trainer computes from sufficient statistics; the tests hold the two
// equal.
type AutodiffGradient struct {
	vm           G.VM
	w, b         []*G.Node
	data, model  []*G.Node
	gw, gb       []G.Value
	nData, nMode int
}

// NewAutodiffGradient builds the graph for d with nData data rows and
// nModel model rows.
func NewAutodiffGradient(d *DBM, nData, nModel int) (*AutodiffGradient, error) {
	g := G.NewGraph()
	dt := tensor.Float32
	a := &AutodiffGradient{nData: nData, nMode: nModel}
	var params []*G.Node
	for l, n := range d.Layers() {
		a.b = append(a.b, G.NewVector(g, dt, G.WithShape(n), G.WithName(fmt.Sprintf("b%d", l))))
		a.data = append(a.data, G.NewMatrix(g, dt, G.WithShape(nData, n), G.WithName(fmt.Sprintf("data%d", l))))
		a.model = append(a.model, G.NewMatrix(g, dt, G.WithShape(nModel, n), G.WithName(fmt.Sprintf("model%d", l))))
	}
	for l, w := range d.W {
		a.w = append(a.w, G.NewMatrix(g, dt, G.WithShape(w.Shape()...), G.WithName(fmt.Sprintf("W%d", l+1))))
	}
	params = append(append(params, a.w...), a.b...)
	ed, err := energyExpr(a.data, a.w, a.b)
	if err != nil {
		return nil, fmt.Errorf("dbm: building E(data): %w", err)
	}
	em, err := energyExpr(a.model, a.w, a.b)
	if err != nil {
		return nil, fmt.Errorf("dbm: building E(model): %w", err)
	}
	md, err := G.Mean(ed)
	if err != nil {
		return nil, err
	}
	mm, err := G.Mean(em)
	if err != nil {
		return nil, err
	}
	cost, err := G.Sub(md, mm)
	if err != nil {
		return nil, err
	}
	grads, err := G.Grad(cost, params...)
	if err != nil {
		return nil, fmt.Errorf("dbm: differentiating the energy: %w", err)
	}
	a.gw = make([]G.Value, len(a.w))
	a.gb = make([]G.Value, len(a.b))
	for i := range a.w {
		G.Read(grads[i], &a.gw[i])
	}
	for i := range a.b {
		G.Read(grads[len(a.w)+i], &a.gb[i])
	}
	a.vm = G.NewTapeMachine(g)
	return a, nil
}

// Compute sets out to −∂/∂θ [mean E(data) − mean E(model)].
func (a *AutodiffGradient) Compute(d *DBM, data, model []*tensor.Dense, out *Gradient) error {
	bind := func(n *G.Node, v *tensor.Dense) error {
		if err := G.Let(n, v); err != nil {
			return fmt.Errorf("dbm: binding %s: %w", n.Name(), err)
		}
		return nil
	}
	for l := range a.b {
		if err := bind(a.b[l], d.B[l]); err != nil {
			return err
		}
		if err := bind(a.data[l], data[l]); err != nil {
			return err
		}
		if err := bind(a.model[l], model[l]); err != nil {
			return err
		}
	}
	for l := range a.w {
		if err := bind(a.w[l], d.W[l]); err != nil {
			return err
		}
	}
	defer a.vm.Reset()
	if err := a.vm.RunAll(); err != nil {
		return fmt.Errorf("dbm: running the gradient graph: %w", err)
	}
	for l := range a.gw {
		negateInto(out.W[l].Float32s(), a.gw[l].Data().([]float32))
	}
	for l := range a.gb {
		negateInto(out.B[l].Float32s(), a.gb[l].Data().([]float32))
	}
	return nil
}

func negateInto(dst, src []float32) {
	for i, x := range src {
		dst[i] = -x
	}
}
