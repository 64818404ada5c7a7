package graph

import (
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestAdapterFindsGorgoniasOps builds every operation the adapter
// recognises (gorgoniaOps), and fails if one of them is not found under
// its name, lacks a field the plan reads, or has a String the plan does
// not understand: what an upgrade of Gorgonia that renamed its unexported
// types or fields would break.
func TestAdapterFindsGorgoniasOps(t *testing.T) {
	g := G.NewGraph()
	m := G.NewMatrix(g, tensor.Float64, G.WithShape(3, 4), G.WithName("m"))
	u := G.NewVector(g, tensor.Float64, G.WithShape(4), G.WithName("u"))
	w := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName("w"))
	var b Builder
	do := b.Do
	unary := map[string]*G.Node{}
	for name, f := range map[string]func(*G.Node) (*G.Node, error){
		"neg": G.Neg, "square": G.Square, "cube": G.Cube, "inv": G.Inverse, "abs": G.Abs,
		"exp": G.Exp, "ln": G.Log, "sqrt": G.Sqrt, "tanh": G.Tanh, "log1p": G.Log1p,
		"expm1": G.Expm1, "sigmoid": G.Sigmoid, "softplus": G.Softplus,
	} {
		unary[name] = do(func() (*G.Node, error) { return f(m) })
	}
	binary := map[string]*G.Node{
		"+": do(func() (*G.Node, error) { return G.Add(m, m) }),
		"-": do(func() (*G.Node, error) { return G.Sub(m, m) }),
		"⊙": do(func() (*G.Node, error) { return G.HadamardProd(m, m) }),
		"÷": do(func() (*G.Node, error) { return G.HadamardDiv(m, m) }),
	}
	outer := do(func() (*G.Node, error) { return G.OuterProd(w, u) })
	dot := do(func() (*G.Node, error) { return G.Mul(u, u) })
	// The rest only need to be in the graph.
	do(func() (*G.Node, error) { return G.Mul(m, u) })
	do(func() (*G.Node, error) { return G.Transpose(m) })
	do(func() (*G.Node, error) { return G.BroadcastAdd(m, u, nil, []byte{0}) })
	do(func() (*G.Node, error) { return G.Reshape(m, tensor.Shape{4, 3}) })
	sm := do(func() (*G.Node, error) { return G.SoftMax(m) })
	mean := do(func() (*G.Node, error) { return G.Mean(do(func() (*G.Node, error) { return G.Sum(sm, 1) })) })
	do(func() (*G.Node, error) {
		c := G.NewConstant(tensor.New(tensor.WithBacking([]float64{1, 2, 3, 4})))
		return G.Mul(G.NewConstant(2.0), do(func() (*G.Node, error) { return G.HadamardProd(u, c) }))
	})
	cost := do(func() (*G.Node, error) {
		return G.Add(mean, do(func() (*G.Node, error) {
			return G.Sum(do(func() (*G.Node, error) { return G.LogSoftMax(m) }))
		}))
	})
	if b.Err() != nil {
		t.Fatal(b.Err())
	}
	if _, err := G.Grad(cost, m); err != nil { // the softmaxes' softmaxDiffOp
		t.Fatal(err)
	}

	found := map[string]G.Op{}
	for _, n := range g.AllNodes() {
		if n.Op() != nil {
			found[opName(n.Op())] = n.Op()
		}
	}
	for name, fields := range gorgoniaOps {
		op, ok := found[name]
		if !ok {
			t.Errorf("no operation of type %s in a graph that should hold one: has Gorgonia renamed it?", name)
			continue
		}
		for f, kind := range fields {
			if v := field(op, f); !v.IsValid() || v.Kind() != kind {
				t.Errorf("%s has no %v field %s", name, kind, f)
			}
		}
	}
	for name, n := range unary {
		if got := unaryName(n.Op()); got != name || unaryKernel[float64](got) == nil {
			t.Errorf("the elemUnaryOp of %s is named %q (a kernel: %v)", name, got, unaryKernel[float64](got) != nil)
		}
	}
	for sym, n := range binary {
		if got := binarySymbol(n.Op()); got != sym || binarySymbols[got] == 0 {
			t.Errorf("the elemBinOp of %s has the symbol %q", sym, got)
		}
	}
	if !isOuterProduct(outer.Op()) || isOuterProduct(dot.Op()) {
		t.Errorf("outer product %v: %v; dot product %v: %v", outer.Op(), isOuterProduct(outer.Op()), dot.Op(), isOuterProduct(dot.Op()))
	}
}
