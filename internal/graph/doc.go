// Package graph holds what every Gorgonia graph of the models needs: a
// chain of node constructors that stops at the first error ([Builder]), and
// one run of a tape machine with its inputs bound ([Run]). rbm, dbm and
// classify build their energies and losses with it.
//
// It also runs graphs without the tape machine: [Compile] turns a gradient
// graph into a [Plan] of the project's own kernels over buffers allocated
// once, which package energy runs at every step. The plan knows Gorgonia's
// operations only by the names of their unexported types (adapter.go says
// which, and why); a graph holding an operation it has no kernel for is an
// error, naming the operation, and the caller runs it on the tape machine.
package graph
