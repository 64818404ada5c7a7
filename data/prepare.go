package data

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/boltzmann-go/boltzmann/internal/numeric"
	"gorgonia.org/tensor"
)

// Binarization says how values in [0, 1] become the binary values a
// Bernoulli model sees.
type Binarization string

const (
	// NoBinarization keeps the values in [0, 1].
	NoBinarization Binarization = "none"
	// Threshold sets a value to 1 when it is at least 0.5.
	Threshold Binarization = "threshold"
	// Stochastic sets a value to 1 with probability equal to it, drawn
	// once from the seed (Salakhutdinov & Murray 2008).
	Stochastic Binarization = "stochastic"
	// Dynamic draws the training examples afresh every epoch, a value on
	// with probability equal to it ("dynamically binarised MNIST"); the
	// validation and test examples, and the training examples that
	// [Prepare] returns in Train, are binarised once as with Stochastic,
	// so that scores stay comparable. [Split.TrainGrey] holds the values
	// the epochs draw from; [DynamicBatch] draws a minibatch.
	Dynamic Binarization = "dynamic"
)

// ParseBinarization checks a binarisation name.
func ParseBinarization(s string) (Binarization, error) {
	switch b := Binarization(s); b {
	case NoBinarization, Threshold, Stochastic, Dynamic:
		return b, nil
	}
	return "", fmt.Errorf("unknown binarisation %q: want none, threshold, stochastic or dynamic", s)
}

// MaxClasses bounds the label values a dataset may hold (labels are class
// indices 0 … MaxClasses-1), so that a column of large numbers taken for
// labels is refused rather than turned into a classifier of millions of
// outputs.
const MaxClasses = 10000

// Values are the numbers of a part of a raw dataset, row-major, as read
// from its file: bytes or floats, each divided by Scale to give a value
// in [0, 1].
type Values struct {
	Bytes  []uint8   // the values, when the file holds bytes
	Floats []float64 // the values otherwise
	Scale  float64   // value i is Bytes[i]/Scale or Floats[i]/Scale
}

// Len is the number of values.
func (v Values) Len() int {
	if v.Bytes != nil {
		return len(v.Bytes)
	}
	return len(v.Floats)
}

// RawPart is one part of a raw dataset: N rows of the dataset's width.
type RawPart struct {
	N      int
	X      Values
	Labels []int // nil without labels
}

// File is one file a dataset was read from, with the SHA-256 of its bytes
// as stored (before any decompression).
type File struct {
	Path   string `json:"path" yaml:"path"`
	SHA256 string `json:"sha256" yaml:"sha256"`
}

// Raw is a dataset as read from its files, before it is scaled,
// binarised and split: its training and test parts, the width D of a row,
// the image shape (0, 0 when the rows are not known to be images), and
// the files it came from.
type Raw struct {
	Train, Test RawPart
	D           int
	Rows, Cols  int
	Files       []File
}

// Check verifies what every reader promises: parts of the width D, values
// that scale into [0, 1] (no NaN), labels that are class indices, and
// labels on both parts or on neither. name names the dataset in errors.
func (r *Raw) Check(name string) error {
	if r.D < 1 {
		return fmt.Errorf("%s: rows of width %d: want at least 1 value a row", name, r.D)
	}
	if r.Rows*r.Cols != 0 && r.Rows*r.Cols != r.D {
		return fmt.Errorf("%s: image shape %d×%d does not hold rows of %d values", name, r.Rows, r.Cols, r.D)
	}
	for _, p := range []struct {
		part string
		RawPart
	}{{"training", r.Train}, {"test", r.Test}} {
		if p.N < 1 {
			return fmt.Errorf("%s: the %s set is empty", name, p.part)
		}
		if p.X.Len() != p.N*r.D {
			return fmt.Errorf("%s: the %s set has %d values, want %d rows × %d", name, p.part, p.X.Len(), p.N, r.D)
		}
		if !(p.X.Scale > 0) || math.IsInf(p.X.Scale, 0) {
			return fmt.Errorf("%s: the %s set has scale %g: want a positive number", name, p.part, p.X.Scale)
		}
		if p.X.Floats != nil {
			for i, x := range p.X.Floats {
				if v := x / p.X.Scale; !(v >= 0 && v <= 1) {
					return fmt.Errorf("%s: %s row %d, column %d: value %g is outside [0, %g]", name, p.part, i/r.D, i%r.D, x, p.X.Scale)
				}
			}
		} else if p.X.Scale < 255 {
			for i, x := range p.X.Bytes {
				if float64(x) > p.X.Scale {
					return fmt.Errorf("%s: %s row %d, column %d: value %d is above the scale %g", name, p.part, i/r.D, i%r.D, x, p.X.Scale)
				}
			}
		}
		if p.Labels != nil && len(p.Labels) != p.N {
			return fmt.Errorf("%s: the %s set has %d labels for %d rows", name, p.part, len(p.Labels), p.N)
		}
		for i, l := range p.Labels {
			if l < 0 || l >= MaxClasses {
				return fmt.Errorf("%s: %s label %d at row %d: want a class index 0 to %d", name, p.part, l, i, MaxClasses-1)
			}
		}
	}
	if (r.Train.Labels == nil) != (r.Test.Labels == nil) {
		return fmt.Errorf("%s: the training set %s labels but the test set %s", name, has(r.Train.Labels != nil), has(r.Test.Labels != nil))
	}
	return nil
}

func has(b bool) string {
	if b {
		return "has"
	}
	return "has no"
}

// Classes is the number of classes of the labels: one more than the
// largest label, 0 without labels.
func (r *Raw) Classes() int {
	n := 0
	for _, ls := range [][]int{r.Train.Labels, r.Test.Labels} {
		for _, l := range ls {
			n = max(n, l+1)
		}
	}
	return n
}

// Standard sizes.
const (
	// DefaultValidation is how many of the last training examples a run
	// holds out for validation unless told otherwise (MNIST's 10,000).
	DefaultValidation = 10000
	// NoValidation, as [PrepareOptions.Validation], holds out no training
	// example: the model trains on all of them and Split.Validation is
	// empty.
	NoValidation = -1
)

// PrepareOptions controls [Prepare].
type PrepareOptions struct {
	Binarize Binarization
	// Seed drives stochastic binarisation; nothing else here is random.
	Seed uint64
	// Dtype is tensor.Float32 or tensor.Float64 (Float32 when unset).
	Dtype tensor.Dtype
	// Validation is how many of the last training examples are held out
	// (DefaultValidation when zero, none when NoValidation).
	Validation int
	// TrainLimit keeps only the first TrainLimit training examples (all
	// when zero).
	TrainLimit int
	// Name names the dataset in errors (its file or directory).
	Name string
}

// Stream identifiers for the PCG generators of stochastic binarisation, so
// that binarising one part never shifts the random numbers of another. Their
// values are those of the first MNIST reader, so that runs keep their data.
const (
	streamBinarizeTrain = 0x6d6e6973745f7472 // "mnist_tr"
	streamBinarizeTest  = 0x6d6e6973745f7465 // "mnist_te"
)

// Split is a dataset ready to train on: training, validation and test
// examples as tensors of values in [0, 1], binarised as asked. It is a
// [Redrawn] set.
type Split struct {
	Train, Validation, Test Examples
	Rows, Cols              int // the image shape; 0, 0 when the rows are not images
	NumClasses              int // 0 without labels
	// TrainGrey holds the values of the training examples under Dynamic
	// binarisation (nil otherwise), in the order of Train.
	TrainGrey *tensor.Dense
	// Files are the files the dataset was read from.
	Files []File
}

// Prepare scales, binarises and splits a raw dataset: the last
// opts.Validation training rows become the validation part.
func Prepare(raw *Raw, opts PrepareOptions) (*Split, error) {
	name := opts.Name
	if name == "" {
		name = "data"
	}
	if opts.Dtype == (tensor.Dtype{}) {
		opts.Dtype = tensor.Float32
	}
	if opts.Dtype != tensor.Float32 && opts.Dtype != tensor.Float64 {
		return nil, fmt.Errorf("%s: dtype %v not supported: want float32 or float64", name, opts.Dtype)
	}
	if opts.Binarize == "" {
		opts.Binarize = NoBinarization
	}
	if _, err := ParseBinarization(string(opts.Binarize)); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := raw.Check(name); err != nil {
		return nil, err
	}
	nval := opts.Validation
	switch nval {
	case 0:
		nval = DefaultValidation
	case NoValidation:
		nval = 0
	}
	if nval < 0 || opts.TrainLimit < 0 {
		return nil, fmt.Errorf("%s: validation size %d and train limit %d must not be negative", name, nval, opts.TrainLimit)
	}
	n, d := raw.Train.N, raw.D
	if nval >= n {
		return nil, fmt.Errorf("%s: %d training examples cannot hold out %d for validation (set -validation lower, 0 for none)", name, n, nval)
	}
	ntrain := n - nval
	if opts.TrainLimit > 0 && opts.TrainLimit < ntrain {
		ntrain = opts.TrainLimit
	}
	trainRNG := rand.NewPCG(opts.Seed, streamBinarizeTrain)
	testRNG := rand.NewPCG(opts.Seed, streamBinarizeTest)
	unit := toUnit[float32]
	if opts.Dtype == tensor.Float64 {
		unit = toUnit[float64]
	}
	train := unit(raw.Train.X, n, d, opts.Binarize, trainRNG)
	test := unit(raw.Test.X, raw.Test.N, d, opts.Binarize, testRNG)
	var grey *tensor.Dense
	if opts.Binarize == Dynamic {
		grey = RowRange(unit(raw.Train.X, n, d, NoBinarization, nil), 0, ntrain)
	}
	labels := func(ls []int, lo, hi int) []int {
		if ls == nil {
			return nil
		}
		return ls[lo:hi:hi]
	}
	return &Split{
		Train:      Examples{X: RowRange(train, 0, ntrain), Labels: labels(raw.Train.Labels, 0, ntrain)},
		Validation: Examples{X: RowRange(train, n-nval, n), Labels: labels(raw.Train.Labels, n-nval, n)},
		Test:       Examples{X: test, Labels: raw.Test.Labels},
		TrainGrey:  grey,
		Rows:       raw.Rows,
		Cols:       raw.Cols,
		NumClasses: raw.Classes(),
		Files:      raw.Files,
	}, nil
}

// toUnit maps values to [0, 1] in the model's dtype and binarises them. The
// whole part is binarised, so that the train limit does not change which
// values are on. Value i's stochastic draw is the i-th float64 in [0, 1)
// of rng (made as math/rand/v2's Rand.Float64 makes it), compared with the
// value; blocks of values run on goroutines, each from rng advanced to its
// first value, so the draws are those of one sequential pass.
func toUnit[T float32 | float64](v Values, n, d int, mode Binarization, rng *rand.PCG) *tensor.Dense {
	out := make([]T, n*d)
	var table [256]float64
	for b := range table {
		table[b] = float64(b) / v.Scale
	}
	numeric.ParallelRange(len(out), 1<<18, func(lo, hi int) {
		var uniform func() float64
		if mode == Stochastic || mode == Dynamic {
			state, _ := rng.MarshalBinary()
			r := &rand.PCG{}
			_ = r.UnmarshalBinary(state)
			numeric.AdvancePCG(r, uint64(lo))
			uniform = func() float64 { return float64(r.Uint64()<<11>>11) / (1 << 53) }
		}
		dst := out[lo:hi]
		if v.Bytes != nil {
			px := v.Bytes[lo:hi]
			switch mode {
			case Threshold:
				for i, b := range px {
					if table[b] >= 0.5 {
						dst[i] = 1
					}
				}
			case Stochastic, Dynamic:
				for i, b := range px {
					if uniform() < table[b] {
						dst[i] = 1
					}
				}
			default:
				for i, b := range px {
					dst[i] = T(table[b])
				}
			}
			return
		}
		for i, f := range v.Floats[lo:hi] {
			x := f / v.Scale
			switch mode {
			case Threshold:
				x = b2f(x >= 0.5)
			case Stochastic, Dynamic:
				x = b2f(uniform() < x)
			}
			dst[i] = T(x)
		}
	})
	return tensor.New(tensor.WithShape(n, d), tensor.WithBacking(out))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Part returns the examples of one part of the split.
func (s *Split) Part(p Part) Examples {
	switch p {
	case Training:
		return s.Train
	case Validation:
		return s.Validation
	}
	return s.Test
}

// ImageShape is the shape of one example as a picture.
func (s *Split) ImageShape() (rows, cols int) { return s.Rows, s.Cols }

// Classes is the number of classes of the labels (0 without labels).
func (s *Split) Classes() int { return s.NumClasses }

// Source is, under dynamic binarisation, the training values that each
// epoch's examples are drawn from; nil otherwise.
func (s *Split) Source() *tensor.Dense { return s.TrainGrey }

// Draw draws a binary minibatch from values in [0, 1].
func (s *Split) Draw(dst, src *tensor.Dense, seed uint64, epoch, batch int) error {
	return DynamicBatch(dst, src, seed, epoch, batch)
}

// SameFiles reports how the files read differ in content from those a run
// recorded (in order; paths may differ): nil when they are the same, or when
// nothing was recorded (a run from before runs recorded their data).
func SameFiles(recorded, read []File) error {
	if recorded == nil {
		return nil
	}
	for i, f := range recorded {
		if i >= len(read) || read[i].SHA256 != f.SHA256 {
			got := "no file"
			if i < len(read) {
				got = fmt.Sprintf("%s (SHA-256 %.12s…)", read[i].Path, read[i].SHA256)
			}
			return fmt.Errorf("the run was trained on %s (SHA-256 %.12s…) but reads %s", f.Path, f.SHA256, got)
		}
	}
	if len(read) > len(recorded) {
		return fmt.Errorf("the run was trained on %d files but reads %d (%s)", len(recorded), len(read), read[len(recorded)].Path)
	}
	return nil
}

// Sources are the files the split was read from.
func (s *Split) Sources() []File { return s.Files }

// Sourced is a Set that knows the files it was read from, which a run
// records so that a resume can check it reads the same.
type Sourced interface {
	Set
	Sources() []File
}

var (
	_ Redrawn = (*Split)(nil)
	_ Sourced = (*Split)(nil)
)
