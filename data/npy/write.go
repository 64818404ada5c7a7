package npy

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// Encode writes a as a version 1.0 .npy stream: uint8 ("|u1") when it
// holds Bytes, float64 ("<f8") otherwise.
func Encode(w io.Writer, a *Array) error {
	n := 1
	dims := make([]string, len(a.Shape))
	for i, d := range a.Shape {
		n *= d
		dims[i] = fmt.Sprint(d)
	}
	if n != a.Len() {
		return fmt.Errorf("npy: shape %v holds %d elements, the array has %d", a.Shape, n, a.Len())
	}
	tuple := strings.Join(dims, ", ")
	if len(dims) == 1 {
		tuple += ","
	}
	descr := "<f8"
	if a.Bytes != nil {
		descr = "|u1"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	// The header, magic string and length included, fills a multiple of
	// 64 bytes and ends in a newline, as NumPy writes it.
	pad := 63 - (len(magic)+4+len(dict))%64
	dict += strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write([]byte{1, 0})
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	if a.Bytes != nil {
		b.Write(a.Bytes)
	} else {
		buf := make([]byte, 8*len(a.Floats))
		for i, x := range a.Floats {
			binary.LittleEndian.PutUint64(buf[8*i:], math.Float64bits(x))
		}
		b.Write(buf)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// WriteArchive writes arrays as a .npz file (uncompressed, as np.savez
// does), atomically: a reader sees the old file or the whole new one.
func WriteArchive(path string, arrays map[string]*Array) error {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	names := make([]string, 0, len(arrays))
	for k := range arrays {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, name := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
		if err != nil {
			return fmt.Errorf("npz: %s: %w", path, err)
		}
		if err := Encode(w, arrays[name]); err != nil {
			return fmt.Errorf("npz: %s: array %s: %w", path, name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("npz: %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, b.Bytes())
}
