package graph

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Builder chains node constructors: after the first error every Do
// returns nil and Err reports that error.
type Builder struct{ err error }

// Do runs f unless an earlier call failed.
func (b *Builder) Do(f func() (*G.Node, error)) *G.Node {
	if b.err != nil {
		return nil
	}
	n, err := f()
	b.err = err
	return n
}

// Err is the first error of the chain.
func (b *Builder) Err() error { return b.err }

// Binding is a graph input and the tensor it takes.
type Binding struct {
	Node  *G.Node
	Value *tensor.Dense
}

// Bind pairs a graph input with its tensor.
func Bind(n *G.Node, v *tensor.Dense) Binding { return Binding{Node: n, Value: v} }

// Run binds the inputs and runs vm once; the values read out through Read
// nodes stay valid until the next run.
func Run(vm G.VM, binds []Binding) error {
	for _, b := range binds {
		if err := G.Let(b.Node, b.Value); err != nil {
			return fmt.Errorf("binding %s: %w", b.Node.Name(), err)
		}
	}
	defer vm.Reset()
	if err := vm.RunAll(); err != nil {
		return fmt.Errorf("running the graph: %w", err)
	}
	return nil
}
