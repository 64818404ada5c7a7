package energy

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/graph"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Float is the element type of a model's parameters and states.
type Float = numeric.Float

// Model is a float64 [ModelOf], the precision the tests check gradients
// and log-likelihoods in.
type Model = ModelOf[float64]

// ModelOf is what a model with one visible and one hidden layer
// supplies to be trained by [TrainerOf]: its free energy as a Gorgonia
// expression, its conditionals at an inverse temperature β (the Gibbs step
// of p_β(v, h) ∝ e^{−βE(v,h)}), and its joint energy. From these the
// trainer derives the likelihood gradient (automatic differentiation of the
// free energy), the negative phase (CD-k, PCD-k, fast PCD, parallel
// tempering), momentum, weight decay and the state a resume needs. The
// parameters and states are T: float64, or float32 for speed.
type ModelOf[T Float] interface {
	Visible() int
	Hidden() int
	// Parameters lists the parameters in the order FreeEnergyExpr takes
	// their nodes. The tensors are the model's own (of T): updates change
	// them.
	Parameters() []Parameter
	// FreeEnergyExpr builds F(v) for each row of v [N, visible] (a node of
	// shape [N]) from nodes shaped like the parameters, in their order.
	FreeEnergyExpr(v *G.Node, params []*G.Node) (*G.Node, error)
	// SampleHidden draws h ~ p_β(h|v) for each row of v [N·visible] into h
	// [N·hidden]; SampleVisible draws v ~ p_β(v|h).
	SampleHidden(h, v []T, beta float64, rng *rand.Rand)
	SampleVisible(v, h []T, beta float64, rng *rand.Rand)
	// Energy sets out[r] = E(v_r, h_r) for each row.
	Energy(out []float64, v, h []T)
	// Clone returns a model of the same shape with its own copy of the
	// parameters: fast PCD's chains run on one.
	Clone() ModelOf[T]
}

// Parameter is a named parameter of an [Model] and how the trainer
// treats it.
type Parameter struct {
	Name string
	T    *tensor.Dense
	// Decay: the weight decay applies (the couplings, not the biases).
	Decay bool
	// Fast: fast PCD's fast weights move it.
	Fast bool
}

// Preconditioner is an optional part of an [Model]: it rescales the
// ascent direction (one tensor per parameter, in order) before the update,
// for a model whose curvature differs wildly between parameters.
type Preconditioner interface {
	Precondition(grad []*tensor.Dense)
}

// Constrainer is an optional part of an [Model]: it projects the
// parameters back into their domain after each update.
type Constrainer interface {
	Constrain()
}

// FreeEnergyGradient differentiates mean F(v_data) − mean F(v_model) of a
// model with Gorgonia, the model samples held constant: the
// likelihood gradient of any parameterisation from its free energy alone.
// rbm.AutodiffGradient is the same graph for the binary RBM.
//
// The graph runs as a [graph.Plan] of the project's kernels with its
// buffers allocated once; a graph holding an operation the plan has no
// kernel for runs on Gorgonia's tape machine instead (allocating at each
// run). Speed against the tape machine and PyTorch: experiments/bench.
type FreeEnergyGradient struct {
	plan64   *graph.Plan[float64]
	plan32   *graph.Plan[float32]
	inputs64 [][]float64
	inputs32 [][]float32
	// A plan runs on the data and model rows stacked, one [nData+nModel,
	// visible] matrix copied in at each run.
	stacked64 []float64
	stacked32 []float32

	vm            G.VM // without a plan
	params        []*G.Node
	vData, vModel *G.Node
	grads         []G.Value
	visible       int
}

// NewFreeEnergyGradient builds the graph for m with nData data rows and
// nModel model rows.
func NewFreeEnergyGradient[T Float](m ModelOf[T], nData, nModel int) (*FreeEnergyGradient, error) {
	return NewParameterGradient(m.Parameters(), m.Visible(), nData, nModel, m.FreeEnergyExpr)
}

// NewParameterGradient builds the graph of mean F(v_data) − mean F(v_model)
// and its gradient in the parameters ps (one dtype for all), F given by
// free from nodes shaped like them: the same graph for a model that is
// not a [Model] (the binary RBM, in float32 or float64). Compiled, it is
// one graph on the data and model rows stacked (see stackedPlan).
func NewParameterGradient(ps []Parameter, nv, nData, nModel int, free func(v *G.Node, params []*G.Node) (*G.Node, error)) (*FreeEnergyGradient, error) {
	return newParameterGradient(ps, nv, nData, nModel, free, false)
}

// newParameterGradient is NewParameterGradient, on Gorgonia's tape
// machine alone when tapeOnly is set (the tests' reference).
func newParameterGradient(ps []Parameter, nv, nData, nModel int, free func(v *G.Node, params []*G.Node) (*G.Node, error), tapeOnly bool) (*FreeEnergyGradient, error) {
	if len(ps) == 0 {
		return nil, fmt.Errorf("energy: a model without parameters")
	}
	dt := ps[0].T.Dtype()
	for _, p := range ps {
		if p.T.Dtype() != dt {
			return nil, fmt.Errorf("energy: parameter %s is %v, %s is %v: the graph wants one dtype", p.Name, p.T.Dtype(), ps[0].Name, dt)
		}
	}
	if !tapeOnly {
		a, err := stackedPlan(ps, nv, nData, nModel, free)
		if err != nil {
			return nil, err
		}
		if a != nil {
			return a, nil
		}
	}
	eg := G.NewGraph()
	a := &FreeEnergyGradient{
		vData:   G.NewMatrix(eg, dt, G.WithShape(nData, nv), G.WithName("v_data")),
		vModel:  G.NewMatrix(eg, dt, G.WithShape(nModel, nv), G.WithName("v_model")),
		visible: nv,
	}
	a.params = parameterNodes(eg, ps)
	fd, err := free(a.vData, a.params)
	if err != nil {
		return nil, fmt.Errorf("energy: building F(v_data): %w", err)
	}
	fm, err := free(a.vModel, a.params)
	if err != nil {
		return nil, fmt.Errorf("energy: building F(v_model): %w", err)
	}
	md, err1 := G.Mean(fd)
	mm, err2 := G.Mean(fm)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("energy: %w", err)
	}
	// mean F(v_model) − mean F(v_data): its gradient is the ascent
	// direction itself, with no array to negate after each run.
	cost, err := G.Sub(mm, md)
	if err != nil {
		return nil, fmt.Errorf("energy: %w", err)
	}
	grads, err := G.Grad(cost, a.params...)
	if err != nil {
		return nil, fmt.Errorf("energy: differentiating the free energy: %w", err)
	}
	// The tape machine reuses registers: read results through Read nodes,
	// which copy at the right moment (gorgonia issue #576).
	a.grads = make([]G.Value, len(grads))
	for i, g := range grads {
		G.Read(g, &a.grads[i])
	}
	a.vm = G.NewTapeMachine(eg)
	return a, nil
}

// parameterNodes are the graph's inputs for the parameters ps.
func parameterNodes(g *G.ExprGraph, ps []Parameter) []*G.Node {
	var nodes []*G.Node
	for _, p := range ps {
		shape := p.T.Shape().Clone()
		nodes = append(nodes, G.NewTensor(g, p.T.Dtype(), len(shape), G.WithShape(shape...), G.WithName(p.Name)))
	}
	return nodes
}

// rowWeights is −1/nData for each of nData rows, then 1/nModel for each
// of nModel.
func rowWeights[T numeric.Float](nData, nModel int) []T {
	w := make([]T, nData+nModel)
	for r := range w {
		w[r] = 1 / T(nModel)
		if r < nData {
			w[r] = -1 / T(nData)
		}
	}
	return w
}

// stackedPlan compiles the gradient as one graph on the data and model
// rows stacked, v = [v_data; v_model]: the cost Σ_r c_r F(v_r) with c_r =
// −1/nData on the data rows and 1/nModel on the model rows is mean
// F(v_model) − mean F(v_data), and each product of F's graph and of its
// gradient runs once on all the rows (the parameters' gradients sum over
// them in the product) instead of twice on half of them and a sum after.
// It returns nil, without an error, where the graph holds an operation
// that graph.Compile has no kernel for: the caller runs the two-branch
// graph on Gorgonia's tape machine.
func stackedPlan(ps []Parameter, nv, nData, nModel int, free func(v *G.Node, params []*G.Node) (*G.Node, error)) (*FreeEnergyGradient, error) {
	dt := ps[0].T.Dtype()
	if dt != tensor.Float64 && dt != tensor.Float32 {
		return nil, nil
	}
	rows := nData + nModel
	eg := G.NewGraph()
	v := G.NewMatrix(eg, dt, G.WithShape(rows, nv), G.WithName("v"))
	params := parameterNodes(eg, ps)
	f, err := free(v, params)
	if err != nil {
		return nil, fmt.Errorf("energy: building F(v): %w", err)
	}
	// The weights in the graph's own precision: 1/n rounded once, as the
	// two-branch graph's means have it.
	var c *tensor.Dense
	if dt == tensor.Float32 {
		c = tensor.New(tensor.WithShape(rows), tensor.WithBacking(rowWeights[float32](nData, nModel)))
	} else {
		c = tensor.New(tensor.WithShape(rows), tensor.WithBacking(rowWeights[float64](nData, nModel)))
	}
	weighted, err := G.HadamardProd(f, G.NewConstant(c, G.WithName("c")))
	if err != nil {
		return nil, fmt.Errorf("energy: %w", err)
	}
	cost, err := G.Sum(weighted)
	if err != nil {
		return nil, fmt.Errorf("energy: %w", err)
	}
	grads, err := G.Grad(cost, params...)
	if err != nil {
		return nil, fmt.Errorf("energy: differentiating the free energy: %w", err)
	}
	inputs := append([]*G.Node{v}, params...)
	a := &FreeEnergyGradient{visible: nv, params: params}
	switch dt {
	case tensor.Float64:
		if a.plan64, err = graph.Compile[float64](eg, inputs, grads); err != nil {
			return nil, nil
		}
		a.inputs64, a.stacked64 = make([][]float64, len(inputs)), make([]float64, rows*nv)
	case tensor.Float32:
		if a.plan32, err = graph.Compile[float32](eg, inputs, grads); err != nil {
			return nil, nil
		}
		a.inputs32, a.stacked32 = make([][]float32, len(inputs)), make([]float32, rows*nv)
	}
	return a, nil
}

// Compute sets out (one tensor per parameter, in order) to the ascent
// direction −∂/∂θ [mean F(vData) − mean F(vModel)] at m's parameters.
func (a *FreeEnergyGradient) Compute(m interface {
	Visible() int
	Parameters() []Parameter
}, vData, vModel *tensor.Dense, out []*tensor.Dense) error {
	if m.Visible() != a.visible {
		return fmt.Errorf("energy: graph built for %d visible units, model has %d", a.visible, m.Visible())
	}
	return a.ComputeParameters(m.Parameters(), vData, vModel, out)
}

// ComputeParameters is Compute at the parameters ps, in the order the
// graph was built with.
func (a *FreeEnergyGradient) ComputeParameters(ps []Parameter, vData, vModel *tensor.Dense, out []*tensor.Dense) error {
	if len(ps) != len(a.params) || len(out) != len(ps) {
		return fmt.Errorf("energy: graph built for %d parameters, given %d (%d outputs)", len(a.params), len(ps), len(out))
	}
	switch {
	case a.plan64 != nil:
		return runPlan(a.plan64, a.inputs64, a.stacked64, ps, vData, vModel, out)
	case a.plan32 != nil:
		return runPlan(a.plan32, a.inputs32, a.stacked32, ps, vData, vModel, out)
	}
	binds := []graph.Binding{graph.Bind(a.vData, vData), graph.Bind(a.vModel, vModel)}
	for i, p := range ps {
		binds = append(binds, graph.Bind(a.params[i], p.T))
	}
	if err := graph.Run(a.vm, binds); err != nil {
		return fmt.Errorf("energy: %w", err)
	}
	for i, g := range a.grads {
		switch d := out[i].Data().(type) {
		case []float32:
			copy(d, g.Data().([]float32))
		case []float64:
			copy(d, g.Data().([]float64))
		}
	}
	return nil
}

// runPlan runs a compiled gradient graph on the data and model rows and
// the parameters, and copies its gradients (of mean F(v_model) − mean
// F(v_data): the ascent direction) into out.
func runPlan[T numeric.Float](p *graph.Plan[T], in [][]T, stacked []T, ps []Parameter, vData, vModel *tensor.Dense, out []*tensor.Dense) error {
	dt := numeric.Dtype[T]()
	if vData.Dtype() != dt || vModel.Dtype() != dt {
		return fmt.Errorf("energy: rows of %v and %v for a graph of %v", vData.Dtype(), vModel.Dtype(), dt)
	}
	d, m := numeric.Data[T](vData), numeric.Data[T](vModel)
	if len(d)+len(m) != len(stacked) {
		return fmt.Errorf("energy: %d data and %d model values for a graph of %d", len(d), len(m), len(stacked))
	}
	copy(stacked, d)
	copy(stacked[len(d):], m)
	in[0] = stacked
	for i, q := range ps {
		if q.T.Dtype() != dt || out[i].Dtype() != dt {
			return fmt.Errorf("energy: parameter %s is %v, the graph %v", q.Name, q.T.Dtype(), dt)
		}
		in[1+i] = numeric.Data[T](q.T)
	}
	err := p.Run(in...)
	clear(in)
	if err != nil {
		return fmt.Errorf("energy: %w", err)
	}
	for i := range ps {
		copy(numeric.Data[T](out[i]), p.Output(i))
	}
	return nil
}
