package files

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// npyBytes encodes a version 1.0 .npy array: dtype "|u1" takes bytes,
// "<f8" float64s and "<i8" ints.
func npyBytes(t testing.TB, dtype string, shape []int, values any) []byte {
	t.Helper()
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", dtype, tuple)
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	if err := binary.Write(&b, binary.LittleEndian, values); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeNPZ writes arrays (name → .npy bytes) as a .npz archive.
func writeNPZ(t testing.TB, path string, arrays map[string][]byte) {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range arrays {
			if !yield(k) {
				return
			}
		}
	}) {
		// np.savez stores its arrays uncompressed.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write(arrays[name])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	write(t, path, b.Bytes())
}

func write(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func ramp(n int, top byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i % (int(top) + 1))
	}
	return b
}

func TestReadNPZ(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "toy.npz")
	writeNPZ(t, path, map[string][]byte{
		"x_train": npyBytes(t, "|u1", []int{5, 2, 3}, ramp(30, 255)),
		"x_test":  npyBytes(t, "|u1", []int{2, 2, 3}, ramp(12, 255)),
		"y_train": npyBytes(t, "<i8", []int{5}, []int64{0, 1, 2, 1, 0}),
		"y_test":  npyBytes(t, "<i8", []int{2}, []int64{2, 2}),
	})
	raw, err := Read(Spec{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if raw.Train.N != 5 || raw.Test.N != 2 || raw.D != 6 || raw.Rows != 2 || raw.Cols != 3 || raw.Train.X.Scale != 255 {
		t.Errorf("%d and %d rows of %d (%d×%d), scale %g; want 5 and 2 of 6 (2×3), 255", raw.Train.N, raw.Test.N, raw.D, raw.Rows, raw.Cols, raw.Train.X.Scale)
	}
	if raw.Classes() != 3 || !slices.Equal(raw.Test.Labels, []int{2, 2}) {
		t.Errorf("classes %d, test labels %v", raw.Classes(), raw.Test.Labels)
	}
	if len(raw.Files) != 1 || raw.Files[0].Path != path || len(raw.Files[0].SHA256) != 64 {
		t.Errorf("files %v", raw.Files)
	}
}

func TestReadNPYWithTestData(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train.npy"), filepath.Join(dir, "test.npy")
	// 25 values a row, floats in [0, 1], no image shape given: 5×5.
	vals := make([]float64, 4*25)
	for i := range vals {
		vals[i] = float64(i%7) / 6
	}
	write(t, train, npyBytes(t, "<f8", []int{4, 25}, vals))
	write(t, test, npyBytes(t, "<f8", []int{2, 25}, vals[:50]))
	if _, err := Read(Spec{Path: train}); err == nil || !strings.Contains(err.Error(), "holds no test set: name one with -test-data") {
		t.Fatalf("a .npy without -test-data: %v", err)
	}
	raw, err := Read(Spec{Path: train, TestPath: test})
	if err != nil {
		t.Fatal(err)
	}
	if raw.Train.N != 4 || raw.Test.N != 2 || raw.Rows != 5 || raw.Cols != 5 || raw.Train.X.Scale != 1 || raw.Train.Labels != nil || len(raw.Files) != 2 {
		t.Errorf("%+v", raw)
	}
	if raw, err = Read(Spec{Path: train, TestPath: test, ImageShape: "1x25"}); err != nil || raw.Rows != 1 || raw.Cols != 25 {
		t.Errorf("-image-shape 1x25: %d×%d, %v", raw.Rows, raw.Cols, err)
	}
}

func TestReadCSV(t *testing.T) {
	dir := t.TempDir()
	train, test := filepath.Join(dir, "train.csv"), filepath.Join(dir, "test.csv")
	write(t, train, []byte("label,p0,p1,p2\n3,0,255,17\n1,5,0,0\n"))
	write(t, test, []byte("label,p0,p1,p2\n7,1,2,3\n"))
	raw, err := Read(Spec{Path: train, TestPath: test})
	if err != nil {
		t.Fatal(err)
	}
	if raw.D != 3 || raw.Rows != 0 || raw.Train.X.Scale != 255 || !slices.Equal(raw.Train.Labels, []int{3, 1}) || raw.Classes() != 8 {
		t.Errorf("D %d, shape %d×%d, scale %g, labels %v, classes %d", raw.D, raw.Rows, raw.Cols, raw.Train.X.Scale, raw.Train.Labels, raw.Classes())
	}
	// The 8×8 digits: values 0–16, the label last, scaled by the maximum.
	digits := filepath.Join(dir, "digits.csv")
	write(t, digits, []byte("0,16,8,4\n2,0,16,9\n"))
	raw, err = Read(Spec{Path: digits, TestPath: digits, Label: "last", Scale: "max"})
	if err != nil || raw.Train.X.Scale != 16 || !slices.Equal(raw.Train.Labels, []int{4, 9}) {
		t.Errorf("-scale max: %+v, %v", raw, err)
	}
	if raw, err = Read(Spec{Path: digits, TestPath: digits, Label: "last", Scale: "20"}); err != nil || raw.Train.X.Scale != 20 {
		t.Errorf("-scale 20: %v", err)
	}
}

// TestReadRefusesBadData: every fault names the file and what is wrong.
func TestReadRefusesBadData(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	write(t, p("wide.csv"), []byte("1,2,3\n"))
	write(t, p("narrow.csv"), []byte("1,2\n"))
	write(t, p("big.csv"), []byte("1,300\n"))
	write(t, p("neg.csv"), []byte("1,-0.5\n"))
	write(t, p("data.txt"), []byte("1,2\n"))
	write(t, p("nan.npy"), npyBytes(t, "<f8", []int{1, 2}, []float64{0.5, math.NaN()}))
	write(t, p("vector.npy"), npyBytes(t, "|u1", []int{4}, []byte{1, 2, 3, 4}))
	write(t, p("empty.npy"), npyBytes(t, "|u1", []int{0, 3}, []byte{}))
	writeNPZ(t, p("nox.npz"), map[string][]byte{"images": npyBytes(t, "|u1", []int{1, 2}, []byte{1, 2})})
	writeNPZ(t, p("badlabels.npz"), map[string][]byte{
		"x_train": npyBytes(t, "|u1", []int{2, 2}, []byte{1, 2, 3, 4}), "y_train": npyBytes(t, "<f8", []int{2}, []float64{1, 0.5}),
		"x_test": npyBytes(t, "|u1", []int{1, 2}, []byte{1, 2}), "y_test": npyBytes(t, "<i8", []int{1}, []int64{1}),
	})
	writeNPZ(t, p("halflabels.npz"), map[string][]byte{
		"x_train": npyBytes(t, "|u1", []int{2, 2}, []byte{1, 2, 3, 4}), "y_train": npyBytes(t, "<i8", []int{2}, []int64{1, 0}),
		"x_test": npyBytes(t, "|u1", []int{1, 2}, []byte{1, 2}),
	})
	for _, tc := range []struct {
		name    string
		spec    Spec
		wantErr string
	}{
		{"widths differ", Spec{Path: p("wide.csv"), TestPath: p("narrow.csv")}, "narrow.csv: test rows have 2 values but training rows have 3"},
		{"out of range", Spec{Path: p("big.csv"), TestPath: p("big.csv")}, "big.csv: values up to 300 are neither in [0, 1] nor bytes 0–255: give -scale"},
		{"negative", Spec{Path: p("neg.csv"), TestPath: p("neg.csv")}, "neg.csv: training row 0, column 1: value -0.5 is outside [0, 1]"},
		{"scaled past 1", Spec{Path: p("big.csv"), TestPath: p("big.csv"), Scale: "100"}, "value 300 is outside [0, 100]"},
		{"NaN", Spec{Path: p("nan.npy"), TestPath: p("nan.npy")}, "nan.npy: training row 0, column 1: value NaN is not a finite number"},
		{"not a dataset", Spec{Path: p("data.txt")}, "data.txt: not a dataset"},
		{"missing", Spec{Path: p("nothing.npz")}, "nothing.npz: no such file"},
		{"a vector", Spec{Path: p("vector.npy"), TestPath: p("vector.npy")}, "vector.npy: shape [4]: want (N, D)"},
		{"empty", Spec{Path: p("empty.npy"), TestPath: p("wide.csv")}, "the training set is empty"},
		{"no x_train", Spec{Path: p("nox.npz")}, "nox.npz: no x_train array (it holds images)"},
		{"labels not integers", Spec{Path: p("badlabels.npz")}, "badlabels.npz: y_train: label 0.5 at index 1"},
		{"labels on one part", Spec{Path: p("halflabels.npz")}, "the training set has labels but the test set has no"},
		{"bad shape", Spec{Path: p("wide.csv"), TestPath: p("wide.csv"), ImageShape: "2by2"}, `image shape "2by2"`},
		{"shape of other width", Spec{Path: p("wide.csv"), TestPath: p("wide.csv"), ImageShape: "2x2"}, "image shape 2x2 holds 4 values but"},
		{"bad scale", Spec{Path: p("wide.csv"), TestPath: p("wide.csv"), Scale: "-3"}, `scale "-3": want auto, max or a positive number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(tc.spec)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestParseShape(t *testing.T) {
	for _, tc := range []struct {
		in         string
		rows, cols int
		ok         bool
	}{{"", 0, 0, true}, {"28x28", 28, 28, true}, {"20×16", 20, 16, true}, {"0x4", 0, 0, false}, {"28", 0, 0, false}, {"axb", 0, 0, false}} {
		r, c, err := ParseShape(tc.in)
		if r != tc.rows || c != tc.cols || (err == nil) != tc.ok {
			t.Errorf("ParseShape(%q) = %d, %d, %v", tc.in, r, c, err)
		}
	}
}
