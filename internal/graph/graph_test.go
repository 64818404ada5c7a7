package graph

import (
	"errors"
	"strings"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestBuilderStopsAtTheFirstError(t *testing.T) {
	var b Builder
	boom := errors.New("boom")
	calls := 0
	b.Do(func() (*G.Node, error) { calls++; return nil, boom })
	if n := b.Do(func() (*G.Node, error) { calls++; return nil, nil }); n != nil || calls != 1 {
		t.Errorf("after an error Do returned %v and made %d calls, want nil and 1", n, calls)
	}
	if !errors.Is(b.Err(), boom) {
		t.Errorf("Err() = %v", b.Err())
	}
}

func TestRunBindsAndNamesABadInput(t *testing.T) {
	g := G.NewGraph()
	x := G.NewVector(g, tensor.Float64, G.WithShape(3), G.WithName("x"))
	s := G.Must(G.Sum(x))
	var v G.Value
	G.Read(s, &v)
	vm := G.NewTapeMachine(g)
	if err := Run(vm, []Binding{Bind(x, tensor.New(tensor.WithBacking([]float64{1, 2, 4})))}); err != nil {
		t.Fatal(err)
	}
	if got := v.Data().(float64); got != 7 {
		t.Errorf("sum %v, want 7", got)
	}
	err := Run(vm, []Binding{Bind(x, tensor.New(tensor.WithBacking([]float32{1, 2, 4})))})
	if err == nil || !strings.Contains(err.Error(), "binding x") {
		t.Errorf("a float32 input for a float64 node: %v", err)
	}
}
