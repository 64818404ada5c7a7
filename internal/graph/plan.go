package graph

import (
	"fmt"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/fastblas"
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
// What it measured, against Gorgonia's tape machine on the same graph (a
// Gaussian RBM's free-energy gradient, 784×500, 100 rows of data and 100 of
// model samples, float64): see the package energy's documentation.
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

// parallelMin is the fewest elements an element-wise step splits over the
// cores: below it the hand-over costs more than it saves. On the vector
// kernels (numeric.Binary) a step of the Gaussian RBM's gradient (78,400
// or 392,000 values) took 15–20 µs or 90 µs on one core, and 20–40 µs or
// 140 µs split over two with the workers parked between steps (2-vCPU AMD
// EPYC, 2026-12-03). With the pool's yielding waits, splitting every step
// of 16,384 values or more made the float32 step 3% faster and the float64
// one 5% slower: so only far larger steps split.
const parallelMin = 1 << 20

// parallelMinCostly is parallelMin for the unary steps that call a
// transcendental function on each element (exp, log, softplus, the
// float64 logistic…: 5–20 ns an element against a vector kernel's
// fraction of one), where the BLAS lends its goroutines (fastblas.Share):
// the float64 Gaussian RBM step, whose logistic runs over 100,000 values, took
// 6.8–7.0 ms against 7.0–7.3 ms (go test -bench Step/simd ./rbm/grbm,
// 2-vCPU AMD EPYC, 2026-12-03). On a pool of the plan's own, beside the
// BLAS's, the waiting workers of the two contended for the cores and the
// step took 8.6 ms; so without a lending BLAS these steps run serially.
const parallelMinCostly = 1 << 14

// costlyUnary names the unary operations whose kernel is a call of a
// scalar function of the math package on each element.
var costlyUnary = map[string]bool{"exp": true, "ln": true, "tanh": true, "log1p": true, "expm1": true, "sigmoid": true, "softplus": true}

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
		if opName(n.Op()) == "sizeOp" {
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

// split binds, for each element-wise step large enough, the function that
// computes a range of its elements, and starts the pool that runs them
// (its goroutines end when the plan and its pool are collected).
func (p *Plan[T]) split() {
	if runtime.GOMAXPROCS(0) < 2 {
		return
	}
	for i := range p.steps {
		s := &p.steps[i]
		switch s.kind {
		case opUnary, opSigmoid32, opBinary:
		default:
			continue
		}
		if len(p.vals[s.dst]) < s.splitFrom() || (s.kind == opBinary && s.m < 2) {
			continue
		}
		s.par = func(lo, hi int) { p.runRange(&p.steps[i], lo, hi) }
		// The plan's own pool only for the steps that split without the
		// lent goroutines too.
		if p.pool == nil && len(p.vals[s.dst]) >= parallelMin {
			p.pool = pool.New()
		}
	}
}

// splitFrom is the fewest elements of s worth splitting over the cores.
func (s *step[T]) splitFrom() int {
	if s.costly {
		return parallelMinCostly
	}
	return parallelMin
}

// runRange computes elements [lo, hi) of an element-wise step.
func (p *Plan[T]) runRange(s *step[T], lo, hi int) {
	v := p.vals
	if s.kind == opBinary { // a range of rows
		binaryRows(v[s.dst], v[s.a], v[s.b], s, lo, hi)
		return
	}
	dst, a := v[s.dst][lo:hi], v[s.a]
	switch s.kind {
	case opUnary:
		s.unary(dst, a[lo:hi])
	case opSigmoid32:
		copy(dst, a[lo:hi])
		numeric.SigmoidBias(dst, s.zeros[lo:hi])
	}
}

// opName is the type name of a Gorgonia operation, "linAlgBinOp" say:
// the operations' types are unexported, their names and fields are not
// hidden from reflection.
func opName(op G.Op) string {
	if op == nil {
		return ""
	}
	t := reflect.TypeOf(op)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}

// field reads an unexported field of an operation.
func field(op G.Op, name string) reflect.Value {
	v := reflect.ValueOf(op)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return v.FieldByName(name)
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
		if !ok && opName(op) != "sizeOp" {
			return fmt.Errorf("input %s has no value", k.Name())
		}
		args[i] = s
		if opName(op) != "elemBinOp" {
			p.materialise(s)
		}
	}
	switch opName(op) {
	case "constantScalar", "constantTensor":
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
	case "sizeOp":
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
	case "reshapeOp":
		if kids[0].Shape().TotalSize() != size && !(kids[0].IsScalar() && size == 1) {
			return fmt.Errorf("reshape of %v to %v", kids[0].Shape(), n.Shape())
		}
		p.add(step[T]{kind: opAlias, dst: newSlot(n, nil), a: args[0]})
		return nil
	case "linAlgBinOp":
		return p.compileProduct(n, op, kids, args, newSlot)
	case "transposeOp":
		shape := kids[0].Shape()
		if len(shape) != 2 {
			return fmt.Errorf("transpose of %v: matrices only", shape)
		}
		p.add(step[T]{kind: opTranspose, dst: newSlot(n, make([]T, size)), a: args[0], m: shape[0], n: shape[1]})
		return nil
	case "repeatOp":
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
	case "elemUnaryOp":
		name := fmt.Sprint(op)
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
	case "elemBinOp":
		sym, _, _ := strings.Cut(fmt.Sprint(op), " ")
		c := map[string]byte{"+": '+', "-": '-', "⊙": '*', "÷": '/'}[sym]
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
	case "sumOp":
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
	case "softmaxOp", "softmaxDiffOp":
		shape := kids[0].Shape()
		axis := int(field(op, "axis").Int())
		if len(shape) != 2 || (axis != -1 && axis != 1) {
			return fmt.Errorf("softmax along %d of %v: rows of a matrix only", axis, shape)
		}
		s := step[T]{kind: opSoftmax, a: args[0], m: shape[0], n: shape[1], isLog: field(op, "isLog").Bool()}
		if opName(op) == "softmaxDiffOp" {
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
	case len(a) == 1 && len(b) == 1 && strings.Contains(fmt.Sprint(op), "⊗"): // outer product
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

// Run computes the outputs from the inputs (one slice per input, in
// Compile's order, each of its node's size), which the plan reads in place
// and does not keep past the call.
func (p *Plan[T]) Run(inputs ...[]T) error {
	if len(inputs) != len(p.in) {
		return fmt.Errorf("graph: %d inputs for a plan of %d", len(inputs), len(p.in))
	}
	for i, x := range inputs {
		if len(x) != p.sizes[i] {
			return fmt.Errorf("graph: input %d has %d elements, want %d", i, len(x), p.sizes[i])
		}
		p.vals[p.in[i]] = x
	}
	for i := range p.steps {
		p.run(&p.steps[i])
	}
	for _, s := range p.in {
		p.vals[s] = nil
	}
	return nil
}

// Output is the value of output i after the last Run, valid until the next.
func (p *Plan[T]) Output(i int) []T { return p.vals[p.out[i]] }

func (p *Plan[T]) run(s *step[T]) {
	v := p.vals
	if s.par != nil {
		// Parked between calls, so as not to hold a core that the BLAS's
		// own threads want next.
		n, minBlock := len(v[s.dst]), s.splitFrom()/2
		if s.kind == opBinary {
			n, minBlock = s.m, max(1, s.splitFrom()/2/s.n)
		}
		// On the goroutines the SIMD BLAS lends, when they are free: one
		// set of workers then waits between the steps and the products.
		if fastblas.Share(n, minBlock, s.par) {
			return
		}
		if len(v[s.dst]) < parallelMin {
			s.par(0, n) // split only for the lent goroutines
			return
		}
		p.pool.RangeThenPark(n, minBlock, s.par)
		return
	}
	switch s.kind {
	case opAlias:
		v[s.dst] = v[s.a]
	case opMatMul:
		lda, ldb := s.k, s.n
		if s.transA {
			lda = s.m
		}
		if s.transB {
			ldb = s.k
		}
		numeric.GemmLD(s.transA, s.transB, s.m, s.n, s.k, 1, v[s.a], lda, v[s.b], ldb, 0, v[s.dst], s.n)
	case opRepeat:
		src, dst := v[s.a], v[s.dst]
		for o := range s.m {
			row := src[o*s.k : (o+1)*s.k]
			for r := range s.n {
				copy(dst[(o*s.n+r)*s.k:], row)
			}
		}
	case opTranspose:
		numeric.Transpose(v[s.dst], v[s.a], s.m, s.n)
	case opUnary:
		s.unary(v[s.dst], v[s.a])
	case opSigmoid32:
		copy(v[s.dst], v[s.a])
		numeric.SigmoidBias(v[s.dst], s.zeros)
	case opBinary:
		binaryRows(v[s.dst], v[s.a], v[s.b], s, 0, s.m)
	case opSum:
		sum(v[s.dst], v[s.a], s.m, s.n, s.axis)
	case opSoftmax:
		softmax(v[s.dst], v[s.a], s.m, s.n, s.isLog)
	case opSoftmaxDiff:
		softmaxDiff(v[s.dst], v[s.b], v[s.c], s.m, s.n, s.isLog)
	}
}

// binaryRows computes rows [lo, hi) of a binary step, each operand read as
// its mode says.
func binaryRows[T numeric.Float](dst, a, b []T, s *step[T], lo, hi int) {
	n := s.n
	for r := lo; r < hi; r++ {
		numeric.Binary(dst[r*n:(r+1)*n], operandRow(a, s.modeA, r, n), operandRow(b, s.modeB, r, n), s.binary)
	}
}

// operandRow is row r of an operand of n columns in the given mode: a
// slice of n values, or of one for a scalar.
func operandRow[T numeric.Float](x []T, mode operandMode, r, n int) []T {
	switch mode {
	case full:
		return x[r*n : (r+1)*n]
	case rowVector:
		return x[:n]
	case colVector:
		return x[r : r+1]
	}
	return x[:1]
}

// sum reduces a [m, n] along axis 0 (into n column sums), 1 (into m row
// sums) or all of it (-1).
func sum[T numeric.Float](dst, a []T, m, n, axis int) {
	switch axis {
	case 0:
		clear(dst[:n])
		for r := range m {
			numeric.Binary(dst[:n], dst[:n], a[r*n:(r+1)*n], '+')
		}
	case 1:
		for r := range m {
			var t T
			for _, x := range a[r*n : (r+1)*n] {
				t += x
			}
			dst[r] = t
		}
	default:
		var t T
		for _, x := range a[:m*n] {
			t += x
		}
		dst[0] = t
	}
}

// softmax sets each row of dst to the softmax of a's row, or its log.
func softmax[T numeric.Float](dst, a []T, m, n int, isLog bool) {
	for r := range m {
		x, y := a[r*n:(r+1)*n], dst[r*n:(r+1)*n]
		top := x[0]
		for _, v := range x {
			top = max(top, v)
		}
		var z T
		for j, v := range x {
			e := T(math.Exp(float64(v - top)))
			y[j] = e
			z += e
		}
		if isLog {
			lz := T(math.Log(float64(z)))
			for j, v := range x {
				y[j] = v - top - lz
			}
			continue
		}
		for j := range y {
			y[j] /= z
		}
	}
}

// softmaxDiff sets dst to the gradient with respect to a softmax's input,
// from its output y and the gradient g of its output: for the log
// softmax g − e^y·Σg, for the softmax y·(g − Σ g·y), row by row.
func softmaxDiff[T numeric.Float](dst, y, g []T, m, n int, isLog bool) {
	for r := range m {
		yr, gr, d := y[r*n:(r+1)*n], g[r*n:(r+1)*n], dst[r*n:(r+1)*n]
		var t T
		if isLog {
			for _, v := range gr {
				t += v
			}
			for j := range d {
				d[j] = gr[j] - T(math.Exp(float64(yr[j])))*t
			}
			continue
		}
		for j := range gr {
			t += gr[j] * yr[j]
		}
		for j := range d {
			d[j] = yr[j] * (gr[j] - t)
		}
	}
}

// unaryKernel is the loop that applies the element-wise function Gorgonia
// names name (see unaryFunc), or nil. The arithmetic ones are written out
// (neg and square on numeric.Binary's vector kernels): a call per element
// through a function value made a square of 78,400 values take 150 µs.
func unaryKernel[T numeric.Float](name string) func(dst, a []T) {
	switch name {
	case "neg": // −1·x is −x, zeros and infinities included
		minusOne := []T{-1}
		return func(dst, a []T) { numeric.Binary(dst[:len(a)], minusOne, a, '*') }
	case "square":
		return func(dst, a []T) { numeric.Binary(dst[:len(a)], a, a, '*') }
	case "cube":
		return func(dst, a []T) {
			dst = dst[:len(a)]
			for i, x := range a {
				dst[i] = x * x * x
			}
		}
	case "inv":
		return func(dst, a []T) {
			dst = dst[:len(a)]
			for i, x := range a {
				dst[i] = 1 / x
			}
		}
	}
	f := unaryFunc[T](name)
	if f == nil {
		return nil
	}
	return func(dst, a []T) {
		dst = dst[:len(a)]
		for i, x := range a {
			dst[i] = f(x)
		}
	}
}

// unaryFunc is the element-wise function Gorgonia names name, with its
// arithmetic (its cut-offs in sigmoid and softplus), or nil.
func unaryFunc[T numeric.Float](name string) func(T) T {
	f32 := numeric.Dtype[T]() == tensor.Float32
	switch name {
	case "neg":
		return func(x T) T { return -x }
	case "square":
		return func(x T) T { return x * x }
	case "cube":
		return func(x T) T { return x * x * x }
	case "inv":
		return func(x T) T { return 1 / x }
	case "abs":
		return func(x T) T { return T(math.Abs(float64(x))) }
	case "exp":
		return func(x T) T { return T(math.Exp(float64(x))) }
	case "ln":
		return func(x T) T { return T(math.Log(float64(x))) }
	case "sqrt":
		return func(x T) T { return T(math.Sqrt(float64(x))) }
	case "tanh":
		return func(x T) T { return T(math.Tanh(float64(x))) }
	case "log1p":
		return func(x T) T { return T(math.Log1p(float64(x))) }
	case "expm1":
		return func(x T) T { return T(math.Expm1(float64(x))) }
	case "sigmoid":
		lo, hi := -709.0, 19.0
		if f32 {
			lo, hi = -88, 15
		}
		return func(x T) T {
			switch {
			case float64(x) < lo:
				return 0
			case float64(x) > hi:
				return 1
			}
			return T(1 / (1 + math.Exp(-float64(x))))
		}
	case "softplus":
		lo, hi := -708.0, 16.0
		if f32 {
			lo, hi = -103, 14
		}
		return func(x T) T {
			switch {
			case float64(x) < lo:
				return 0
			case float64(x) > hi:
				return x
			}
			return T(math.Log1p(math.Exp(float64(x))))
		}
	}
	return nil
}
