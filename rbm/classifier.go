package rbm

import (
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/classify"
	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// Features returns p(h|v) for the rows of x: what a linear classifier on
// the RBM's representation sees, in float32.
func (t *Trainer) Features(x *tensor.Dense) *tensor.Dense {
	r := t.RBM
	rows, nv, nh := x.Shape()[0], r.Visible(), r.Hidden()
	xs := toFloat32(x)
	w, c := toFloat32(r.W), toFloat32(r.C)
	out := make([]float32, rows*nh)
	numeric.Gemm(false, false, rows, nh, nv, 1, xs, w, 0, out)
	for i := 0; i < rows; i++ {
		numeric.SigmoidBias(out[i*nh:(i+1)*nh], c)
	}
	return tensor.New(tensor.WithShape(rows, nh), tensor.WithBacking(out))
}

// Classifier returns a one-hidden-layer network initialised from the RBM
// (its couplings and hidden biases) with a softmax layer over the classes
// on top, and the inputs it takes: the images, in float32.
func (t *Trainer) Classifier(classes int, rng *rand.Rand) (*classify.MLP, func(*tensor.Dense) *tensor.Dense, error) {
	r := t.RBM
	m, err := classify.NewMLP([]int{r.Visible(), r.Hidden(), classes}, rng)
	if err != nil {
		return nil, nil, err
	}
	copy(m.W[0].Float32s(), toFloat32(r.W))
	copy(m.B[0].Float32s(), toFloat32(r.C))
	return m, func(x *tensor.Dense) *tensor.Dense {
		return tensor.New(tensor.WithShape(x.Shape()...), tensor.WithBacking(toFloat32(x)))
	}, nil
}

// toFloat32 returns t's data as float32 (a copy when it is float64).
func toFloat32(t *tensor.Dense) []float32 {
	if x, ok := t.Data().([]float32); ok {
		return x
	}
	x := t.Float64s()
	out := make([]float32, len(x))
	for i, v := range x {
		out[i] = float32(v)
	}
	return out
}
