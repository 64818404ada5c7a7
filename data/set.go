package data

import (
	"errors"
	"fmt"

	"gorgonia.org/tensor"
)

// Part names one part of a dataset.
type Part int

// The parts of a dataset.
const (
	Training Part = iota
	Validation
	Test
)

func (p Part) String() string {
	switch p {
	case Training:
		return "training"
	case Validation:
		return "validation"
	case Test:
		return "test"
	}
	return fmt.Sprintf("part %d", int(p))
}

// Examples are the rows of one part of a dataset.
type Examples struct {
	// X holds one example a row, [N, D], float32 or float64. A part with
	// no examples has N = 0 (or X nil).
	X *tensor.Dense
	// Labels holds a class index for each row, or nil for a part (or a
	// set) without labels.
	Labels []int
}

// Len is the number of examples.
func (e Examples) Len() int {
	if e.X == nil {
		return 0
	}
	return e.X.Shape()[0]
}

// Set is a dataset: what train.Run trains on and evaluation reads. Every
// part has the same width D; the validation part may be empty.
type Set interface {
	// Part returns the examples of one part.
	Part(Part) Examples
	// ImageShape is the shape (rows, cols) of one example as a picture,
	// rows·cols = D; (0, 0) when the examples are not images.
	ImageShape() (rows, cols int)
	// Classes is the number of classes of the labels (0 without labels).
	Classes() int
}

// Redrawn is a Set whose training minibatches are drawn afresh every
// epoch from values it keeps (dynamic binarisation): the loop cuts the
// minibatches from Source and hands each to Draw before the model sees it.
type Redrawn interface {
	Set
	// Source holds, row for row, the values the training examples are
	// drawn from; nil when this set's examples are fixed after all.
	Source() *tensor.Dense
	// Draw fills dst with a draw from the rows src (a minibatch of
	// Source), as a function of (seed, epoch, batch) alone.
	Draw(dst, src *tensor.Dense, seed uint64, epoch, batch int) error
}

// Matrices is a Set held in memory.
type Matrices struct {
	Train, Valid, TestSet Examples
	Rows, Cols            int // the image shape, when the examples are images
	NumClasses            int // classes of the labels (0 without labels)
}

// Part returns the examples of one part.
func (m *Matrices) Part(p Part) Examples {
	switch p {
	case Training:
		return m.Train
	case Validation:
		return m.Valid
	}
	return m.TestSet
}

// ImageShape is the shape of one example as a picture.
func (m *Matrices) ImageShape() (rows, cols int) { return m.Rows, m.Cols }

// Classes is the number of classes of the labels.
func (m *Matrices) Classes() int { return m.NumClasses }

// FromRows builds an unlabelled set from rows of equal width: train for
// training and test for evaluation, with no validation part. Values are
// copied into float32 tensors.
func FromRows(train, test [][]float32) (*Matrices, error) {
	if len(train) == 0 {
		return nil, errors.New("data: no training rows")
	}
	d := len(train[0])
	if d == 0 {
		return nil, errors.New("data: training row 0 is empty")
	}
	matrix := func(name string, rows [][]float32) (*tensor.Dense, error) {
		x := make([]float32, 0, len(rows)*d)
		for i, r := range rows {
			if len(r) != d {
				return nil, fmt.Errorf("data: %s row %d has %d values, want %d (the width of training row 0)", name, i, len(r), d)
			}
			x = append(x, r...)
		}
		return tensor.New(tensor.WithShape(len(rows), d), tensor.WithBacking(x)), nil
	}
	tr, err := matrix("training", train)
	if err != nil {
		return nil, err
	}
	te, err := matrix("test", test)
	if err != nil {
		return nil, err
	}
	empty := tensor.New(tensor.WithShape(0, d), tensor.WithBacking([]float32{}))
	return &Matrices{Train: Examples{X: tr}, Valid: Examples{X: empty}, TestSet: Examples{X: te}}, nil
}
