package mnist

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/data"

	"gorgonia.org/tensor"
)

// Binarization says how grey levels become the binary values a Bernoulli
// model sees.
type Binarization string

const (
	// NoBinarization keeps intensities in [0, 1].
	NoBinarization Binarization = "none"
	// Threshold sets a pixel to 1 when its intensity is at least 0.5.
	Threshold Binarization = "threshold"
	// Stochastic sets a pixel to 1 with probability equal to its intensity,
	// sampled once from the seed (Salakhutdinov & Murray 2008).
	Stochastic Binarization = "stochastic"
	// Dynamic draws the training images afresh every epoch, a pixel on with
	// probability equal to its intensity ("dynamically binarised MNIST"); the
	// validation and test images, and the training images that [Load] returns
	// in Train, are binarised once as with Stochastic, so that scores stay
	// comparable. [Split.TrainGrey] holds the intensities the epochs draw
	// from; [DynamicBatch] draws a minibatch.
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

// Standard sizes of the MNIST split.
const (
	DefaultValidation = 10000
	NumClasses        = 10
	// NoValidation, as [Options.Validation], holds out no training image:
	// the model trains on all of them and Split.Validation is empty.
	NoValidation = -1
)

// Set is one part of a dataset: images as rows of a tensor and their labels.
type Set struct {
	Name   string
	Images *tensor.Dense // [N, Rows·Cols], values in [0, 1]
	Labels []int
}

// Len is the number of examples.
func (s *Set) Len() int { return len(s.Labels) }

// Split is a dataset divided into training, validation and test sets.
type Split struct {
	Train, Validation, Test *Set
	Rows, Cols              int
	// TrainGrey holds the intensities of the training images under Dynamic
	// binarisation (nil otherwise), in the order of Train.
	TrainGrey *tensor.Dense
}

// Options controls [Load].
type Options struct {
	// Dir holds train-images-idx3-ubyte, train-labels-idx1-ubyte,
	// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally .gz.
	Dir      string
	Binarize Binarization
	// Seed drives stochastic binarisation; nothing else here is random.
	Seed uint64
	// Dtype is tensor.Float32 or tensor.Float64 (Float32 when unset).
	Dtype tensor.Dtype
	// Validation is how many of the last training images are held out
	// (DefaultValidation when zero, none when NoValidation).
	Validation int
	// TrainLimit keeps only the first TrainLimit training images (all when zero).
	TrainLimit int
}

// Stream identifiers for the PCG generators used in this package, so that
// binarising one file never shifts the random numbers of another.
const (
	streamBinarizeTrain = 0x6d6e6973745f7472 // "mnist_tr"
	streamBinarizeTest  = 0x6d6e6973745f7465 // "mnist_te"
)

// Load reads the four files of an MNIST-like dataset from opts.Dir and splits
// them. Every error names the file and the fault.
func Load(opts Options) (*Split, error) {
	if opts.Dtype == (tensor.Dtype{}) {
		opts.Dtype = tensor.Float32
	}
	if opts.Dtype != tensor.Float32 && opts.Dtype != tensor.Float64 {
		return nil, fmt.Errorf("mnist: dtype %v not supported: want float32 or float64", opts.Dtype)
	}
	if opts.Binarize == "" {
		opts.Binarize = NoBinarization
	}
	if _, err := ParseBinarization(string(opts.Binarize)); err != nil {
		return nil, fmt.Errorf("mnist: %w", err)
	}
	nval := opts.Validation
	switch nval {
	case 0:
		nval = DefaultValidation
	case NoValidation:
		nval = 0
	}
	if nval < 0 || opts.TrainLimit < 0 {
		return nil, fmt.Errorf("mnist: validation size %d and train limit %d must not be negative", nval, opts.TrainLimit)
	}
	trainImg, trainLab, rows, cols, err := readPair(opts.Dir, "train")
	if err != nil {
		return nil, err
	}
	testImg, testLab, trows, tcols, err := readPair(opts.Dir, "t10k")
	if err != nil {
		return nil, err
	}
	if trows != rows || tcols != cols {
		return nil, fmt.Errorf("mnist: %s: test images are %d×%d but training images are %d×%d", opts.Dir, trows, tcols, rows, cols)
	}
	n := len(trainLab)
	if nval >= n {
		return nil, fmt.Errorf("mnist: %s: %d training images cannot hold out %d for validation", opts.Dir, n, nval)
	}
	d := rows * cols
	ntrain := n - nval
	if opts.TrainLimit > 0 && opts.TrainLimit < ntrain {
		ntrain = opts.TrainLimit
	}
	trainRNG := rand.New(rand.NewPCG(opts.Seed, streamBinarizeTrain))
	testRNG := rand.New(rand.NewPCG(opts.Seed, streamBinarizeTest))
	var train, test *tensor.Dense
	if opts.Dtype == tensor.Float64 {
		train, test = toUnit[float64](trainImg, n, d, opts.Binarize, trainRNG), toUnit[float64](testImg, len(testLab), d, opts.Binarize, testRNG)
	} else {
		train, test = toUnit[float32](trainImg, n, d, opts.Binarize, trainRNG), toUnit[float32](testImg, len(testLab), d, opts.Binarize, testRNG)
	}
	var grey *tensor.Dense
	if opts.Binarize == Dynamic {
		if opts.Dtype == tensor.Float64 {
			grey = toUnit[float64](trainImg, n, d, NoBinarization, nil)
		} else {
			grey = toUnit[float32](trainImg, n, d, NoBinarization, nil)
		}
		grey = data.RowRange(grey, 0, ntrain)
	}
	split := &Split{
		TrainGrey:  grey,
		Train:      &Set{Name: "train", Images: data.RowRange(train, 0, ntrain), Labels: trainLab[:ntrain]},
		Validation: &Set{Name: "validation", Images: data.RowRange(train, n-nval, n), Labels: trainLab[n-nval:]},
		Test:       &Set{Name: "test", Images: test, Labels: testLab},
		Rows:       rows,
		Cols:       cols,
	}
	return split, nil
}

// readPair reads the images and labels of one part ("train" or "t10k") and
// checks that they belong together.
func readPair(dir, part string) (pixels []byte, labels []int, rows, cols int, err error) {
	imgPath, err := findFile(dir, part+"-images-idx3-ubyte")
	if err != nil {
		return nil, nil, 0, 0, err
	}
	labPath, err := findFile(dir, part+"-labels-idx1-ubyte")
	if err != nil {
		return nil, nil, 0, 0, err
	}
	img, err := ReadIDX(imgPath)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	if len(img.Dims) != 3 {
		return nil, nil, 0, 0, fmt.Errorf("mnist: %s: images need 3 dimensions (count, rows, columns), file has %d", imgPath, len(img.Dims))
	}
	lab, err := ReadIDX(labPath)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	if len(lab.Dims) != 1 {
		return nil, nil, 0, 0, fmt.Errorf("mnist: %s: labels need 1 dimension, file has %d", labPath, len(lab.Dims))
	}
	if img.Dims[0] != lab.Dims[0] {
		return nil, nil, 0, 0, fmt.Errorf("mnist: %s has %d images but %s has %d labels", imgPath, img.Dims[0], labPath, lab.Dims[0])
	}
	labels = make([]int, len(lab.Data))
	for i, l := range lab.Data {
		if l >= NumClasses {
			return nil, nil, 0, 0, fmt.Errorf("mnist: %s: label %d at index %d is above 9", labPath, l, i)
		}
		labels[i] = int(l)
	}
	return img.Data, labels, img.Dims[1], img.Dims[2], nil
}

// findFile returns dir/name.gz or dir/name, whichever exists.
func findFile(dir, name string) (string, error) {
	for _, p := range []string{filepath.Join(dir, name+".gz"), filepath.Join(dir, name)} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("mnist: %w", err)
		}
	}
	return "", fmt.Errorf("mnist: %s: neither %s.gz nor %s found", dir, name, name)
}

// toUnit maps bytes to [0, 1] in the model's dtype and binarises them.
// The whole file is binarised, so that the train limit does not change
// which pixels are on.
func toUnit[T float32 | float64](pix []byte, n, d int, mode Binarization, rng *rand.Rand) *tensor.Dense {
	out := make([]T, len(pix))
	for i, p := range pix {
		x := float64(p) / 255
		switch mode {
		case Threshold:
			x = b2f(x >= 0.5)
		case Stochastic, Dynamic:
			x = b2f(rng.Float64() < x)
		}
		out[i] = T(x)
	}
	return tensor.New(tensor.WithShape(n, d), tensor.WithBacking(out))
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Part returns the examples of one part of the split (data.Set).
func (s *Split) Part(p data.Part) data.Examples {
	set := s.Test
	switch p {
	case data.Training:
		set = s.Train
	case data.Validation:
		set = s.Validation
	}
	if set == nil {
		return data.Examples{}
	}
	return data.Examples{X: set.Images, Labels: set.Labels}
}

// ImageShape is the shape of one image (data.Set).
func (s *Split) ImageShape() (rows, cols int) { return s.Rows, s.Cols }

// Classes is the number of digit classes (data.Set).
func (s *Split) Classes() int { return NumClasses }

// Source is, under dynamic binarisation, the training intensities that each
// epoch's images are drawn from; nil otherwise (data.Redrawn).
func (s *Split) Source() *tensor.Dense { return s.TrainGrey }

// Draw draws a binary minibatch from intensities (data.Redrawn).
func (s *Split) Draw(dst, src *tensor.Dense, seed uint64, epoch, batch int) error {
	return data.DynamicBatch(dst, src, seed, epoch, batch)
}

var _ data.Redrawn = (*Split)(nil)
