// Package files reads a dataset from what a researcher has on disk, by
// what the path names:
//
//   - a directory of IDX files (gzipped or not) with MNIST's names (MNIST,
//     Fashion-MNIST, KMNIST) or EMNIST's (DIR, or DIR/emnist-SPLIT to
//     choose a split): package data/mnist;
//   - a .npz archive in the Keras convention: x_train, x_test, optional
//     y_train, y_test (package data/npy);
//   - a .npy array of training examples (shape (N, H, W) or (N, D));
//   - a .csv file, one example a row, an optional header and label column
//     (package data/csvfile), gzipped or not.
//
// A path without a test set (.npy, .csv, an .npz without x_test) needs a
// TestPath, which may name any of these forms (its test part is taken
// where it has one, else all of it). The empty path reads MNIST
// ($MNIST_DIR, else the copy in the GoMNIST module).
//
// Values become [0, 1] by a scale: IDX bytes by 255; other files by the
// [Spec.Scale] rule. Read returns a [data.Raw] with the SHA-256 of each
// file read; [data.Prepare] binarises and splits it.
package files

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/boltzmann-go/boltzmann/data"
	"github.com/boltzmann-go/boltzmann/data/csvfile"
	"github.com/boltzmann-go/boltzmann/data/mnist"
	"github.com/boltzmann-go/boltzmann/data/npy"
)

// Spec names a dataset and how to read it. Its fields are the -data,
// -test-data, -image-shape, -csv-label and -scale flags.
type Spec struct {
	// Path is a directory of IDX files, an EMNIST prefix, a .npz, .npy or
	// .csv file; empty for MNIST.
	Path string
	// TestPath names the test set, when Path has none or another is wanted.
	TestPath string
	// ImageShape is "HxW" (e.g. "20x20"), overriding the shape the files
	// give; empty to take theirs.
	ImageShape string
	// Label is the CSV label column: auto, none, first, last or a header
	// name (see csvfile.Options).
	Label string
	// Scale says what 1 is: "auto" (or empty) takes values in [0, 1] as
	// they are and integers up to 255 as bytes (divided by 255), and refuses
	// anything else; "max" divides by the training set's largest value; a
	// number divides by that number. IDX files are always bytes.
	Scale string
}

// ParseShape reads an image shape "HxW" (or "H×W"); "" is (0, 0).
func ParseShape(s string) (rows, cols int, err error) {
	if s == "" {
		return 0, 0, nil
	}
	h, w, ok := strings.Cut(strings.ReplaceAll(s, "×", "x"), "x")
	if ok {
		rows, err = strconv.Atoi(h)
		if err == nil {
			cols, err = strconv.Atoi(w)
		}
	}
	if !ok || err != nil || rows < 1 || cols < 1 {
		return 0, 0, fmt.Errorf("image shape %q: want HxW, two positive integers (e.g. 28x28)", s)
	}
	return rows, cols, nil
}

// ParseScale checks a scale rule: auto, max or a positive number.
func ParseScale(s string) error {
	switch s {
	case "", "auto", "max":
		return nil
	}
	if x, err := strconv.ParseFloat(s, 64); err != nil || !(x > 0) || math.IsInf(x, 0) {
		return fmt.Errorf("scale %q: want auto, max or a positive number", s)
	}
	return nil
}

// part is one part as a reader found it, before it is scaled.
type part struct {
	x          *data.RawPart
	d          int // values a row
	rows, cols int
	bytesIDX   bool // IDX bytes: always divided by 255
}

// source is what one path holds.
type source struct {
	train, test *part
	files       []data.File
}

// Read reads the dataset spec names.
func Read(spec Spec) (*data.Raw, error) {
	path := spec.Path
	if path == "" {
		var err error
		if path, err = mnist.ResolveDir(""); err != nil {
			return nil, err
		}
	}
	src, err := open(path, spec)
	if err != nil {
		return nil, err
	}
	if src.train == nil {
		return nil, fmt.Errorf("%s: no training set", path)
	}
	if spec.TestPath != "" {
		t, err := open(spec.TestPath, spec)
		if err != nil {
			return nil, err
		}
		src.test = t.test
		if src.test == nil {
			src.test = t.train
		}
		src.files = append(src.files, t.files...)
	}
	if src.test == nil {
		return nil, fmt.Errorf("%s holds no test set: name one with -test-data FILE (a .npy, .csv or .npz, or a directory of IDX files)", path)
	}
	tr, te := src.train, src.test
	d := tr.d
	if dt := te.d; dt != d {
		return nil, fmt.Errorf("%s: test rows have %d values but training rows have %d", testName(spec, path), dt, d)
	}
	raw := &data.Raw{Train: *tr.x, Test: *te.x, D: d, Rows: tr.rows, Cols: tr.cols, Files: src.files}
	if err := scale(raw, tr.bytesIDX, spec.Scale, path); err != nil {
		return nil, err
	}
	if rows, cols, err := ParseShape(spec.ImageShape); err != nil {
		return nil, err
	} else if rows > 0 {
		if rows*cols != d {
			return nil, fmt.Errorf("image shape %dx%d holds %d values but %s has %d a row", rows, cols, rows*cols, path, d)
		}
		raw.Rows, raw.Cols = rows, cols
	}
	if raw.Rows == 0 {
		if r := int(math.Round(math.Sqrt(float64(d)))); r*r == d {
			raw.Rows, raw.Cols = r, r
		}
	}
	if err := raw.Check(path); err != nil {
		return nil, err
	}
	return raw, nil
}

func testName(spec Spec, path string) string {
	if spec.TestPath != "" {
		return spec.TestPath
	}
	return path
}

// open reads one path by its form.
func open(path string, spec Spec) (*source, error) {
	st, statErr := os.Stat(path)
	lower := strings.ToLower(path)
	switch {
	case statErr == nil && st.IsDir(), statErr != nil && strings.HasPrefix(baseName(path), "emnist-"):
		raw, err := mnist.ReadDir(path)
		if err != nil {
			return nil, err
		}
		return &source{
			train: &part{x: &raw.Train, d: raw.D, rows: raw.Rows, cols: raw.Cols, bytesIDX: true},
			test:  &part{x: &raw.Test, d: raw.D, rows: raw.Rows, cols: raw.Cols, bytesIDX: true},
			files: raw.Files,
		}, nil
	case statErr != nil:
		return nil, fmt.Errorf("data: %w", statErr)
	case strings.HasSuffix(lower, ".npz"):
		return openNPZ(path)
	case strings.HasSuffix(lower, ".npy"):
		a, err := npy.Read(path)
		if err != nil {
			return nil, err
		}
		p, err := fromArray(a, nil, path, "", "")
		if err != nil {
			return nil, err
		}
		return withHash(&source{train: p}, path)
	case strings.HasSuffix(lower, ".csv"), strings.HasSuffix(lower, ".csv.gz"):
		t, err := csvfile.Read(path, csvfile.Options{Label: spec.Label})
		if err != nil {
			return nil, err
		}
		p := &part{x: &data.RawPart{N: t.N, X: data.Values{Bytes: t.Bytes, Floats: t.Floats}, Labels: t.Labels}, d: t.D}
		return withHash(&source{train: p}, path)
	}
	return nil, fmt.Errorf("data: %s: not a dataset: want a directory of IDX files, an EMNIST prefix (DIR/emnist-letters), or a .npz, .npy, .csv or .csv.gz file", path)
}

func baseName(path string) string {
	path = strings.TrimRight(path, string(os.PathSeparator))
	return path[strings.LastIndexByte(path, os.PathSeparator)+1:]
}

// openNPZ reads a Keras-style archive.
func openNPZ(path string) (*source, error) {
	arrays, err := npy.ReadArchive(path)
	if err != nil {
		return nil, err
	}
	var src source
	for _, k := range []struct {
		x, y string
		dst  **part
	}{{"x_train", "y_train", &src.train}, {"x_test", "y_test", &src.test}} {
		x, ok := arrays[k.x]
		if !ok {
			continue
		}
		if *k.dst, err = fromArray(x, arrays[k.y], path, k.x, k.y); err != nil {
			return nil, err
		}
	}
	if src.train == nil {
		var names []string
		for n := range arrays {
			names = append(names, n)
		}
		return nil, fmt.Errorf("npz: %s: no x_train array (it holds %s): save with np.savez(path, x_train=…, x_test=…)", path, strings.Join(names, ", "))
	}
	return withHash(&src, path)
}

// fromArray turns an array of examples ((N, H, W), (N, H, W, 1) or (N, D))
// and its labels (N,) into a part.
func fromArray(x, y *npy.Array, path, name, yName string) (*part, error) {
	what := path
	if name != "" {
		what = path + ": " + name
	}
	p := &part{x: &data.RawPart{}}
	switch s := x.Shape; {
	case len(s) == 2:
		p.x.N, p.d = s[0], s[1]
	case len(s) == 3, len(s) == 4 && s[3] == 1:
		p.x.N, p.rows, p.cols, p.d = s[0], s[1], s[2], s[1]*s[2]
	default:
		return nil, fmt.Errorf("%s: shape %v: want (N, D), (N, H, W) or (N, H, W, 1)", what, s)
	}
	p.x.X = data.Values{Bytes: x.Bytes, Floats: x.Floats}
	if y != nil {
		what = path + ": " + yName
		if len(y.Shape) != 1 || y.Shape[0] != p.x.N {
			return nil, fmt.Errorf("%s: labels of shape %v for %d examples: want (%d,)", what, y.Shape, p.x.N, p.x.N)
		}
		p.x.Labels = make([]int, p.x.N)
		for i := range p.x.Labels {
			l := y.At(i)
			if l != math.Trunc(l) || l < 0 || l >= data.MaxClasses {
				return nil, fmt.Errorf("%s: label %g at index %d: want a class index from 0 to %d", what, l, i, data.MaxClasses-1)
			}
			p.x.Labels[i] = int(l)
		}
	}
	return p, nil
}

func withHash(src *source, path string) (*source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("data: %s: %w", path, err)
	}
	src.files = append(src.files, data.File{Path: path, SHA256: hex.EncodeToString(h.Sum(nil))})
	return src, nil
}

// scale sets the divisor of both parts by the rule.
func scale(raw *data.Raw, idx bool, rule, path string) error {
	if idx && raw.Test.X.Bytes != nil {
		raw.Train.X.Scale, raw.Test.X.Scale = 255, 255
		return nil
	}
	if err := ParseScale(rule); err != nil {
		return err
	}
	maxOf := func(v data.Values) (m float64, integral bool) {
		integral = true
		var top byte
		for _, b := range v.Bytes {
			top = max(top, b)
		}
		m = float64(top)
		for _, x := range v.Floats {
			m = max(m, x)
			integral = integral && x == math.Trunc(x)
		}
		return m, integral
	}
	for _, p := range []struct {
		name string
		v    data.Values
	}{{"training", raw.Train.X}, {"test", raw.Test.X}} {
		for i, x := range p.v.Floats {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("%s: %s row %d, column %d: value %g is not a finite number", path, p.name, i/raw.D, i%raw.D, x)
			}
		}
	}
	trMax, trInt := maxOf(raw.Train.X)
	teMax, teInt := maxOf(raw.Test.X)
	var s float64
	switch rule {
	case "", "auto":
		top := max(trMax, teMax)
		switch {
		case top <= 1:
			s = 1
		case trInt && teInt && top <= 255:
			s = 255
		default:
			return fmt.Errorf("%s: values up to %g are neither in [0, 1] nor bytes 0–255: give -scale (max, or the value that means 1)", path, top)
		}
	case "max":
		if !(trMax > 0) {
			return errors.New(path + ": -scale max: the training values are all zero or negative")
		}
		s = trMax
	default:
		s, _ = strconv.ParseFloat(rule, 64)
	}
	raw.Train.X.Scale, raw.Test.X.Scale = s, s
	return nil
}
