package data

import "gorgonia.org/tensor"

// RowRange returns rows [lo, hi) of a float32 or float64 matrix as a
// tensor sharing its data. The sets of a split share one backing array this
// way; nothing writes to them.
func RowRange(t *tensor.Dense, lo, hi int) *tensor.Dense {
	d := t.Shape()[1]
	switch x := t.Data().(type) {
	case []float32:
		return tensor.New(tensor.WithShape(hi-lo, d), tensor.WithBacking(x[lo*d:hi*d:hi*d]))
	case []float64:
		return tensor.New(tensor.WithShape(hi-lo, d), tensor.WithBacking(x[lo*d:hi*d:hi*d]))
	}
	panic("data: unsupported dtype")
}
