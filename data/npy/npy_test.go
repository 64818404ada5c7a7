package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The files in testdata were written by NumPy 1.24 (np.save, np.savez,
// np.savez_compressed, np.lib.format.write_array with version 2.0): each
// holds arange(24).reshape(2, 3, 4), divided by 23 for the float arrays.

func TestReadNumPyFiles(t *testing.T) {
	want := make([]float64, 24)
	for i := range want {
		want[i] = float64(i) / 23
	}
	for _, tc := range []struct {
		file  string
		bytes bool
		tol   float64
		want  func(i int) float64
	}{
		{"f8_c.npy", false, 0, func(i int) float64 { return want[i] }},
		{"f4_fortran.npy", false, 1e-7, func(i int) float64 { return want[i] }},
		{"f2.npy", false, 1e-3, func(i int) float64 { return want[i] }},
		{"i8_be.npy", false, 0, func(i int) float64 { return float64(i) }},
		{"u1.npy", true, 0, func(i int) float64 { return float64(i) }},
		{"bool.npy", true, 0, func(i int) float64 { return map[bool]float64{true: 1}[i%3 == 0] }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			a, err := Read(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(a.Shape, []int{2, 3, 4}) || a.Len() != 24 || (a.Bytes != nil) != tc.bytes {
				t.Fatalf("shape %v, %d elements, bytes %v; want [2 3 4], 24, %v", a.Shape, a.Len(), a.Bytes != nil, tc.bytes)
			}
			for i := range 24 {
				if got := a.At(i); math.Abs(got-tc.want(i)) > tc.tol*max(1, tc.want(i)) {
					t.Fatalf("element %d: %g, want %g ± %g", i, got, tc.want(i), tc.tol)
				}
			}
		})
	}
	v2, err := Read(filepath.Join("testdata", "v2.npy"))
	if err != nil || !slices.Equal(v2.Shape, []int{3, 2}) || !slices.Equal(v2.Floats, []float64{0, 1, 2, 3, 4, 5}) {
		t.Errorf("version 2.0 header: %+v, %v", v2, err)
	}
	for _, file := range []string{"obj.npy", "c8.npy"} {
		if _, err := Read(filepath.Join("testdata", file)); err == nil || !strings.Contains(err.Error(), "not supported") || !strings.Contains(err.Error(), file) {
			t.Errorf("%s: %v, want an error naming the file and the unsupported dtype", file, err)
		}
	}
}

func TestReadArchive(t *testing.T) {
	for _, file := range []string{"keras.npz", "compressed.npz"} {
		m, err := ReadArchive(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		if m["x_train"] == nil || m["x_test"] == nil {
			t.Fatalf("%s: arrays %v, want x_train and x_test", file, m)
		}
	}
	m, _ := ReadArchive(filepath.Join("testdata", "keras.npz"))
	if y := m["y_train"]; !slices.Equal(y.Floats, []float64{3, 1}) || !slices.Equal(m["x_test"].Shape, []int{1, 3, 4}) {
		t.Errorf("keras.npz: y_train %v, x_test shape %v", y.Floats, m["x_test"].Shape)
	}
	if _, err := ReadArchive(filepath.Join("testdata", "u1.npy")); err == nil || !strings.Contains(err.Error(), "u1.npy") {
		t.Errorf("a .npy read as .npz: %v", err)
	}
}

// npyBytes writes a version 1.0 .npy stream with the given header dict.
func npyBytes(dict string, data []byte) []byte {
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write([]byte{1, 0})
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	b.Write(data)
	return b.Bytes()
}

func TestParseRejectsBadStreams(t *testing.T) {
	good := "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }"
	for _, tc := range []struct {
		name, wantErr string
		stream        []byte
	}{
		{"empty", "file truncated", nil},
		{"not npy", "not a .npy array", []byte("PK\x03\x04 a zip file")},
		{"version", "format version 9.0", append([]byte(magic), 9, 0, 0, 0)},
		{"truncated header", "reading the header", npyBytes(good, nil)[:20]},
		{"truncated data", "truncated data: shape [2 3] of |u1 needs 6 bytes, file has 5", npyBytes(good, []byte{1, 2, 3, 4, 5})},
		{"trailing", "trailing data", npyBytes(good, []byte{1, 2, 3, 4, 5, 6, 7})},
		{"no shape", `no "shape"`, npyBytes("{'descr': '|u1', 'fortran_order': False}", nil)},
		{"structured", "structured dtypes", npyBytes("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", nil)},
		{"huge", "declares more than", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000, 100000)}", nil)},
		{"negative", "non-negative integer", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, 2)}", nil)},
		{"byte order", "unknown byte order", npyBytes("{'descr': '!f8', 'fortran_order': False, 'shape': (1,)}", make([]byte, 8))},
		{"unknown key", `unknown key "colour"`, npyBytes("{'descr': '<f8', 'colour': 'red', 'fortran_order': False, 'shape': (1,)}", make([]byte, 8))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(bytes.NewReader(tc.stream))
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	a, err := Parse(bytes.NewReader(npyBytes(good, []byte{1, 2, 3, 4, 5, 6})))
	if err != nil || !slices.Equal(a.Bytes, []byte{1, 2, 3, 4, 5, 6}) {
		t.Fatalf("a good stream: %v, %v", a, err)
	}
}

func TestFortranOrder(t *testing.T) {
	// A 2×3 array [[0 1 2] [3 4 5]] in Fortran order is stored 0 3 1 4 2 5.
	a, err := Parse(bytes.NewReader(npyBytes("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", []byte{0, 3, 1, 4, 2, 5})))
	if err != nil || !slices.Equal(a.Bytes, []byte{0, 1, 2, 3, 4, 5}) {
		t.Fatalf("%v, %v: want row-major 0 … 5", a, err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", []byte{1, 2, 3, 4, 5, 6}))
	f.Add(npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }", make([]byte, 8)))
	f.Add(npyBytes("{'descr': '>i2', 'fortran_order': False, 'shape': (), }", make([]byte, 2)))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := Parse(bytes.NewReader(b))
		if err != nil {
			return
		}
		n := 1
		for _, d := range a.Shape {
			n *= d
		}
		if a.Len() != n {
			t.Fatal(fmt.Sprintf("shape %v but %d elements", a.Shape, a.Len()))
		}
	})
}

func TestWriteArchiveRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.npz")
	in := map[string]*Array{
		"x_train": {Shape: []int{2, 3}, Bytes: []byte{0, 1, 2, 253, 254, 255}},
		"y_train": {Shape: []int{2}, Floats: []float64{7, 1}},
		"x_test":  {Shape: []int{1, 3}, Floats: []float64{0.25, math.Inf(1), -0}},
	}
	if err := WriteArchive(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadArchive(path)
	if err != nil {
		t.Fatal(err)
	}
	for name, a := range in {
		b := out[name]
		if b == nil || !slices.Equal(a.Shape, b.Shape) || !slices.Equal(a.Bytes, b.Bytes) || !slices.Equal(a.Floats, b.Floats) {
			t.Errorf("%s: wrote %+v, read %+v", name, a, b)
		}
	}
	if err := WriteArchive(path, map[string]*Array{"x": {Shape: []int{2, 2}, Bytes: []byte{1}}}); err == nil || !strings.Contains(err.Error(), "shape [2 2] holds 4 elements, the array has 1") {
		t.Errorf("a shape that does not fit: %v", err)
	}
}
