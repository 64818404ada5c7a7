package graph

import (
	"fmt"
	"reflect"
	"strings"

	G "gorgonia.org/gorgonia"
)

// The adapter: how a Plan recognises Gorgonia's operations.
//
// Gorgonia (v0.9) exports the G.Op interface but not the types behind it,
// and the interface says nothing of what an operation computes or of its
// parameters (an axis, a transpose flag). So the plan reads both through
// reflection: an operation is known by its type's name, its parameters by
// its unexported fields, and for three of them what they compute by their
// String: the function's name of an elemUnaryOp ("sigmoid"), the symbol
// that starts an elemBinOp's ("+", "-", "⊙", "÷"), and the "⊗" of a
// linAlgBinOp's outer product. Everything the plan knows of Gorgonia's
// internals is in gorgoniaOps and the functions of this file.
//
// If Gorgonia renames a type, Compile fails on the graphs that hold it,
// naming the operation, and the callers (package energy) fall back to
// Gorgonia's tape machine: the same results, slower. A renamed field would
// make Compile panic, and a changed String would name no kernel (or, for
// "⊗", take an outer product for a dot product): TestAdapterFindsGorgoniasOps
// builds every operation of the table and fails on any of these, so an
// upgrade of Gorgonia shows up in the tests, not in training.

// The names of the operation types the plan has kernels for.
const (
	gorgoniaConstantScalar = "constantScalar"
	gorgoniaConstantTensor = "constantTensor"
	gorgoniaSize           = "sizeOp"
	gorgoniaReshape        = "reshapeOp"
	gorgoniaLinAlgBin      = "linAlgBinOp"
	gorgoniaTranspose      = "transposeOp"
	gorgoniaRepeat         = "repeatOp"
	gorgoniaElemUnary      = "elemUnaryOp"
	gorgoniaElemBin        = "elemBinOp"
	gorgoniaSum            = "sumOp"
	gorgoniaSoftmax        = "softmaxOp"
	gorgoniaSoftmaxDiff    = "softmaxDiffOp"
)

// gorgoniaOps is every operation type the plan recognises, with the
// unexported fields it reads from it and their kinds.
var gorgoniaOps = map[string]map[string]reflect.Kind{
	gorgoniaConstantScalar: nil, // its value is the node's
	gorgoniaConstantTensor: nil,
	gorgoniaSize:           {"val": reflect.Int, "axis": reflect.Int}, // val: the size if known when built (else 0)
	gorgoniaReshape:        nil,
	gorgoniaLinAlgBin:      {"transA": reflect.Bool, "transB": reflect.Bool}, // and "⊗" in String for an outer product
	gorgoniaTranspose:      nil,
	gorgoniaRepeat:         {"along": reflect.Int},
	gorgoniaElemUnary:      nil, // String: the function's name
	gorgoniaElemBin:        nil, // String: the operator's symbol, a space, retSame
	gorgoniaSum:            {"along": reflect.Slice},
	gorgoniaSoftmax:        {"axis": reflect.Int, "isLog": reflect.Bool},
	gorgoniaSoftmaxDiff:    {"axis": reflect.Int, "isLog": reflect.Bool}, // promoted from its *softmaxOp
}

// binarySymbols maps the symbol of an elemBinOp's String to the plan's
// operator.
var binarySymbols = map[string]byte{"+": '+', "-": '-', "⊙": '*', "÷": '/'}

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

// field reads an unexported field of an operation (one gorgoniaOps lists).
func field(op G.Op, name string) reflect.Value {
	v := reflect.ValueOf(op)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	return v.FieldByName(name)
}

// unaryName is the name of the function an elemUnaryOp applies ("exp").
func unaryName(op G.Op) string { return fmt.Sprint(op) }

// binarySymbol is the symbol of an elemBinOp's operator ("⊙").
func binarySymbol(op G.Op) string {
	sym, _, _ := strings.Cut(fmt.Sprint(op), " ")
	return sym
}

// isOuterProduct reports whether a linAlgBinOp of two vectors is their
// outer product (else it is their dot product).
func isOuterProduct(op G.Op) bool { return strings.Contains(fmt.Sprint(op), "⊗") }
