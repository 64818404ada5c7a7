package graph

import (
	"fmt"
	"slices"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"github.com/boltzmann-go/boltzmann/internal/pool"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Plan is a Gorgonia expression graph compiled once into a list of the
// project's own kernels over buffers allocated once: the graph's products
// go to the BLAS that tensor.Use chose ([numeric.GemmLD]), its element-wise
// operations and reductions to plain loops. Gorgonia still builds the
// expressions and differentiates them; only their execution is ours.
//
// Compiling keeps only the nodes the outputs depend on (Gorgonia's gradient
// graphs also hold the gradient of every input, and the forward value of
// the cost), folds the size and constant nodes, and turns a reshape into an
// alias of its input. A run then allocates nothing.
//
// Against Gorgonia's tape machine on the same graph (a Gaussian RBM's
// free-energy gradient) it is measured by go run ./experiments/bench
// -autodiff and BenchmarkStep in rbm/grbm; see experiments/bench/RESULTS.md.
//
// The element-wise functions are Gorgonia's own (the same cut-offs in
// sigmoid and softplus), so that a plan's float64 gradients equal the tape
// machine's to rounding: the tests hold them within 1e-12. In float32 the
// sigmoid is [numeric.Sigmoid32]'s, on the vector kernel (within 2e-7 of
// the exact value; Gorgonia rounds a float64 one), for speed.
type Plan[T numeric.Float] struct {
	steps []step[T]
	vals  [][]T // a node's value, by slot
	in    []int // the slot of each input, in the order given to Compile
	sizes []int // the number of elements of each input
	out   []int
	pool  *pool.Pool // splits the large element-wise steps over the cores

	// pending holds, by slot, the repeats not yet materialised: an
	// element-wise operation reads a repeat's input in place, so a repeat
	// is copied out only when something else reads it.
	pending map[int]step[T]
}

// opKind is what a step computes.
type opKind int

const (
	opAlias       opKind = iota // dst is src's buffer (a reshape)
	opMatMul                    // dst = op(a)·op(b)
	opRepeat                    // dst repeats a along an axis
	opTranspose                 // dst = aᵀ
	opUnary                     // dst = f(a) element by element
	opSigmoid32                 // dst = σ(a) in float32 on the vector kernel
	opBinary                    // dst = a ∘ b, either one possibly a scalar
	opSum                       // dst = a summed along axes
	opSoftmax                   // dst = (log) softmax of a's rows
	opSoftmaxDiff               // dst = the gradient through a (log) softmax
)

type step[T numeric.Float] struct {
	kind           opKind
	dst, a, b, c   int
	m, n, k        int // products: op(a) [m,k], op(b) [k,n]; repeats: outer, reps, inner; sums: rows, cols
	transA, transB bool
	unary          func(dst, a []T) // dst = f(a), element by element
	zeros          []T              // opSigmoid32: a zero bias
	binary         byte             // '+', '-', '*', '/'
	axis           int              // sums: 0 (columns), 1 (rows) or -1 (everything)
	isLog          bool
	par            func(lo, hi int) // the step on elements (binary: rows) [lo, hi), bound once
	costly         bool             // a unary step of a transcendental function (costlyUnary)
	modeA, modeB   operandMode      // binary: how each operand covers dst [m, n]
}

// operandMode is how an operand of a binary step covers its [m, n]
// result.
type operandMode int

const (
	full      operandMode = iota // an [m, n] tensor
	scalar                       // one value
	rowVector                    // n values, the same for every row (a repeat along 0)
	colVector                    // m values, one for each row (a repeat along 1)
)

// Compile turns the part of g that outputs depend on into a [Plan] whose
// inputs are the nodes in, in that order. Every node must hold T (float32
// or float64). It fails, with the operation named, on a graph holding an
// operation it has no kernel for: the caller then runs the graph on
// Gorgonia's own machine.
func Compile[T numeric.Float](g *G.ExprGraph, in, outputs []*G.Node) (*Plan[T], error) {
	dt := numeric.Dtype[T]()
	sorted, err := G.Sort(g)
	if err != nil {
		return nil, fmt.Errorf("graph: sorting: %w", err)
	}
	slices.Reverse(sorted) // inputs first
	children := func(n *G.Node) []*G.Node {
		var kids []*G.Node
		for it := g.From(n.ID()); it.Next(); {
			kids = append(kids, it.Node().(*G.Node))
		}
		return kids
	}
	// Mark what the outputs need; a size node needs only its input's shape.
	needed := map[*G.Node]bool{}
	var mark func(n *G.Node)
	mark = func(n *G.Node) {
		if needed[n] {
			return
		}
		needed[n] = true
		if opName(n.Op()) == gorgoniaSize {
			return
		}
		for _, k := range children(n) {
			mark(k)
		}
	}
	for _, o := range outputs {
		mark(o)
	}
	p := &Plan[T]{pending: map[int]step[T]{}}
	slot := map[*G.Node]int{}
	newSlot := func(n *G.Node, buf []T) int {
		slot[n] = len(p.vals)
		p.vals = append(p.vals, buf)
		return slot[n]
	}
	isInput := map[*G.Node]int{}
	for i, n := range in {
		isInput[n] = i
	}
	p.in = make([]int, len(in))
	p.sizes = make([]int, len(in))
	for i, n := range in {
		p.in[i] = newSlot(n, nil)
		p.sizes[i] = n.Shape().TotalSize()
	}
	for _, n := range sorted {
		if !needed[n] {
			continue
		}
		if _, ok := isInput[n]; ok {
			continue
		}
		if n.Dtype() != dt {
			return nil, fmt.Errorf("graph: node %s is %v, the plan is %v", n.Name(), n.Dtype(), dt)
		}
		if err := p.compileNode(n, children(n), slot, newSlot); err != nil {
			return nil, fmt.Errorf("graph: node %s (%v): %w", n.Name(), n.Op(), err)
		}
	}
	for _, o := range outputs {
		s, ok := slot[o]
		if !ok {
			return nil, fmt.Errorf("graph: output %s is not computed", o.Name())
		}
		p.materialise(s)
		p.out = append(p.out, s)
	}
	p.pending = nil // every repeat left is one nothing reads whole
	p.split()
	return p, nil
}

func (p *Plan[T]) compileNode(n *G.Node, kids []*G.Node, slot map[*G.Node]int, newSlot func(*G.Node, []T) int) error {
	op := n.Op()
	size := n.Shape().TotalSize()
	if n.IsScalar() {
		size = 1
	}
	args := make([]int, len(kids))
	for i, k := range kids {
		s, ok := slot[k]
		if !ok && opName(op) != gorgoniaSize {
			return fmt.Errorf("input %s has no value", k.Name())
		}
		args[i] = s
		if opName(op) != gorgoniaElemBin {
			p.materialise(s)
		}
	}
	switch opName(op) {
	case gorgoniaConstantScalar, gorgoniaConstantTensor:
		val := n.Value()
		if val == nil {
			return fmt.Errorf("a constant without a value")
		}
		buf, err := toSlice[T](val.Data())
		if err != nil {
			return err
		}
		newSlot(n, buf)
		return nil
	case gorgoniaSize:
		v := int(field(op, "val").Int())
		if v == 0 {
			axis := int(field(op, "axis").Int())
			shape := kids[0].Shape()
			if axis < 0 || axis >= len(shape) {
				return fmt.Errorf("size along axis %d of shape %v", axis, shape)
			}
			v = shape[axis]
		}
		newSlot(n, []T{T(v)})
		return nil
	case gorgoniaReshape:
		if kids[0].Shape().TotalSize() != size && !(kids[0].IsScalar() && size == 1) {
			return fmt.Errorf("reshape of %v to %v", kids[0].Shape(), n.Shape())
		}
		p.add(step[T]{kind: opAlias, dst: newSlot(n, nil), a: args[0]})
		return nil
	case gorgoniaLinAlgBin:
		return p.compileProduct(n, op, kids, args, newSlot)
	case gorgoniaTranspose:
		shape := kids[0].Shape()
		if len(shape) != 2 {
			return fmt.Errorf("transpose of %v: matrices only", shape)
		}
		p.add(step[T]{kind: opTranspose, dst: newSlot(n, make([]T, size)), a: args[0], m: shape[0], n: shape[1]})
		return nil
	case gorgoniaRepeat:
		along := int(field(op, "along").Int())
		shape := n.Shape()
		if along < 0 || along >= len(shape) {
			return fmt.Errorf("repeat along %d into %v", along, shape)
		}
		outer, inner := 1, 1
		for _, d := range shape[:along] {
			outer *= d
		}
		for _, d := range shape[along+1:] {
			inner *= d
		}
		in := kids[0].Shape().TotalSize()
		if kids[0].IsScalar() {
			in = 1
		}
		if in != outer*inner {
			return fmt.Errorf("repeat of %v into %v along %d", kids[0].Shape(), shape, along)
		}
		// Its buffer is made only if something reads it whole (materialise).
		rep := step[T]{kind: opRepeat, dst: newSlot(n, nil), a: args[0], m: outer, n: shape[along], k: inner, axis: along}
		p.pending[rep.dst] = rep
		return nil
	case gorgoniaElemUnary:
		name := unaryName(op)
		if name == "sigmoid" && numeric.Dtype[T]() == tensor.Float32 {
			p.add(step[T]{kind: opSigmoid32, dst: newSlot(n, make([]T, size)), a: args[0], zeros: make([]T, size)})
			return nil
		}
		f := unaryKernel[T](name)
		if f == nil {
			return fmt.Errorf("no kernel for %q", name)
		}
		p.add(step[T]{kind: opUnary, dst: newSlot(n, make([]T, size)), a: args[0], unary: f, costly: costlyUnary[name]})
		return nil
	case gorgoniaElemBin:
		sym := binarySymbol(op)
		c := binarySymbols[sym]
		if c == 0 {
			return fmt.Errorf("no kernel for %q", sym)
		}
		st := step[T]{kind: opBinary, a: args[0], b: args[1], binary: c, m: 1, n: size}
		if shape := n.Shape(); len(shape) == 2 {
			st.m, st.n = shape[0], shape[1]
		}
		for i, k := range kids {
			mode := full
			if s := k.Shape().TotalSize(); k.IsScalar() || s == 1 {
				mode = scalar
			} else if s != size {
				return fmt.Errorf("%v %s %v", kids[0].Shape(), sym, kids[1].Shape())
			}
			if rep, ok := p.pending[args[i]]; ok && mode == full && len(n.Shape()) == 2 {
				// A repeat of a row (along 0) or a column (along 1)
				// into this shape: read its input in place.
				switch {
				case rep.axis == 0 && rep.m == 1 && rep.k == st.n:
					mode, args[i] = rowVector, rep.a
				case rep.axis == 1 && rep.k == 1 && rep.m == st.m:
					mode, args[i] = colVector, rep.a
				default:
					p.materialise(args[i])
				}
			} else {
				p.materialise(args[i])
			}
			if i == 0 {
				st.a, st.modeA = args[i], mode
			} else {
				st.b, st.modeB = args[i], mode
			}
		}
		st.dst = newSlot(n, make([]T, size))
		p.add(st)
		return nil
	case gorgoniaSum:
		along := field(op, "along")
		var axes []int
		for i := range along.Len() {
			axes = append(axes, int(along.Index(i).Int()))
		}
		shape := kids[0].Shape()
		s := step[T]{kind: opSum, a: args[0]}
		switch {
		case len(axes) == len(shape) || len(shape) <= 1:
			s.axis, s.m, s.n = -1, 1, max(shape.TotalSize(), 1)
		case len(shape) == 2 && len(axes) == 1:
			s.axis, s.m, s.n = axes[0], shape[0], shape[1]
		default:
			return fmt.Errorf("sum along %v of %v", axes, shape)
		}
		s.dst = newSlot(n, make([]T, size))
		p.add(s)
		return nil
	case gorgoniaSoftmax, gorgoniaSoftmaxDiff:
		shape := kids[0].Shape()
		axis := int(field(op, "axis").Int())
		if len(shape) != 2 || (axis != -1 && axis != 1) {
			return fmt.Errorf("softmax along %d of %v: rows of a matrix only", axis, shape)
		}
		s := step[T]{kind: opSoftmax, a: args[0], m: shape[0], n: shape[1], isLog: field(op, "isLog").Bool()}
		if opName(op) == gorgoniaSoftmaxDiff {
			s.kind, s.b, s.c = opSoftmaxDiff, args[1], args[2]
		}
		s.dst = newSlot(n, make([]T, size))
		p.add(s)
		return nil
	}
	return fmt.Errorf("no kernel for operation %s", opName(op))
}

func (p *Plan[T]) compileProduct(n *G.Node, op G.Op, kids []*G.Node, args []int, newSlot func(*G.Node, []T) int) error {
	s := step[T]{kind: opMatMul, a: args[0], b: args[1]}
	s.transA, s.transB = field(op, "transA").Bool(), field(op, "transB").Bool()
	a, b := kids[0].Shape(), kids[1].Shape()
	switch {
	case len(a) == 2 && len(b) == 2:
		s.m, s.k, s.n = a[0], a[1], b[1]
		if s.transA {
			s.m, s.k = a[1], a[0]
		}
		if s.transB {
			s.n = b[0]
		}
	case len(a) == 2 && len(b) == 1 && !s.transB: // A × b: b as a column
		s.m, s.k, s.n = a[0], a[1], 1
		if s.transA {
			s.m, s.k = a[1], a[0]
		}
	case len(a) == 1 && len(b) == 1 && isOuterProduct(op):
		s.m, s.k, s.n = a[0], 1, b[0]
		s.transA, s.transB = false, false
	case len(a) == 1 && len(b) == 1: // dot product
		s.m, s.k, s.n = 1, a[0], 1
		s.transA, s.transB = false, false
	default:
		return fmt.Errorf("no kernel for the product of %v and %v", a, b)
	}
	if want := n.Shape().TotalSize(); s.m*s.n != want && !(n.IsScalar() && s.m*s.n == 1) {
		return fmt.Errorf("product of %v and %v into %v", a, b, n.Shape())
	}
	s.dst = newSlot(n, make([]T, s.m*s.n))
	p.add(s)
	return nil
}

func (p *Plan[T]) add(s step[T]) { p.steps = append(p.steps, s) }

// materialise makes the buffer of a pending repeat and emits its copy, the
// first time something reads it whole.
func (p *Plan[T]) materialise(slot int) {
	if rep, ok := p.pending[slot]; ok {
		delete(p.pending, slot)
		p.vals[slot] = make([]T, rep.m*rep.n*rep.k)
		p.add(rep)
	}
}

// toSlice converts a constant's data to []T.
func toSlice[T numeric.Float](d any) ([]T, error) {
	switch x := d.(type) {
	case float64:
		return []T{T(x)}, nil
	case float32:
		return []T{T(x)}, nil
	case []float64:
		out := make([]T, len(x))
		for i, v := range x {
			out[i] = T(v)
		}
		return out, nil
	case []float32:
		out := make([]T, len(x))
		for i, v := range x {
			out[i] = T(v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("a constant of %T", d)
}
