package dbm

import (
	"fmt"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/classify"
	"gorgonia.org/tensor"
)

// Features returns the mean-field posteriors of every hidden layer for the
// rows of x [N, n_0], side by side [N, n_1 + … + n_L]: what a linear
// classifier on a DBM's representation sees.
func (t *Trainer) Features(x *tensor.Dense) *tensor.Dense {
	d := t.DBM
	layers := d.Layers()
	width := 0
	for _, n := range layers[1:] {
		width += n
	}
	rows := x.Shape()[0]
	out := make([]float32, rows*width)
	d.eachMeanField(x, t.cfg.MeanField, func(lo, n int, mu [][]float32) {
		for r := range n {
			at := (lo + r) * width
			for l := 1; l < len(layers); l++ {
				k := layers[l]
				copy(out[at:at+k], mu[l][r*k:(r+1)*k])
				at += k
			}
		}
	})
	return tensor.New(tensor.WithShape(rows, width), tensor.WithBacking(out))
}

// Classifier returns the feed-forward network of Salakhutdinov & Hinton
// (2009, §4) initialised from the DBM, and the inputs it takes. The input
// is the image beside the mean-field posterior q(h_2|v); the first hidden
// layer takes both through W[0] and W[1]ᵀ (the DBM's couplings into h_1),
// the layers above through W[1], W[2], …, with the DBM's biases; a softmax
// layer over the classes, initialised small, sits on top.
func (t *Trainer) Classifier(classes int, rng *rand.Rand) (*classify.MLP, func(*tensor.Dense) *tensor.Dense, error) {
	d := t.DBM
	layers := d.Layers()
	n0, n1, n2 := layers[0], layers[1], layers[2]
	sizes := append([]int{n0 + n2}, layers[1:]...)
	m, err := classify.NewMLP(append(sizes, classes), rng)
	if err != nil {
		return nil, nil, err
	}
	w0 := m.W[0].Float32s() // [n0 + n2, n1]: W[0] above W[1]ᵀ
	copy(w0, d.w(0))
	w1 := d.w(1)
	for k := range n2 {
		for j := range n1 {
			w0[(n0+k)*n1+j] = w1[j*n2+k]
		}
	}
	copy(m.B[0].Float32s(), d.b(1))
	for l := 1; l < d.Depth(); l++ {
		copy(m.W[l].Float32s(), d.w(l))
		copy(m.B[l].Float32s(), d.b(l+1))
	}
	inputs := func(x *tensor.Dense) *tensor.Dense {
		rows := x.Shape()[0]
		width := n0 + n2
		out := make([]float32, rows*width)
		xs := x.Float32s()
		d.eachMeanField(x, t.cfg.MeanField, func(lo, n int, mu [][]float32) {
			for r := range n {
				at := (lo + r) * width
				copy(out[at:at+n0], xs[(lo+r)*n0:(lo+r+1)*n0])
				copy(out[at+n0:at+width], mu[2][r*n2:(r+1)*n2])
			}
		})
		return tensor.New(tensor.WithShape(rows, width), tensor.WithBacking(out))
	}
	if len(m.W) != d.Depth()+1 {
		return nil, nil, fmt.Errorf("dbm: classifier of %d layers for %d hidden layers", len(m.W), d.Depth())
	}
	return m, inputs, nil
}
