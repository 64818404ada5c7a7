// Package npy reads NumPy's .npy arrays and .npz archives of them, the
// files `np.save` and `np.savez` write, with the standard library alone.
//
// An array of unsigned bytes (dtype uint8 or bool) keeps its bytes; every
// other numeric dtype (int8 to int64, uint16 to uint64, float16 to float64,
// either byte order) is read into float64. C and Fortran order are both
// read, into C (row-major) order. Object arrays, strings, structured and
// complex dtypes are refused with an error that names the dtype. A header
// that declares more than [MaxBytes] is refused before anything is
// allocated for it.
package npy

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// MaxBytes bounds the data an array may declare (4 GiB).
const MaxBytes = 4 << 30

// Array is an n-dimensional array in row-major order: Bytes for uint8 and
// bool arrays, Floats for every other dtype.
type Array struct {
	Shape  []int
	Dtype  string // the NumPy dtype as declared, e.g. "<f4" or "|u1"
	Bytes  []uint8
	Floats []float64
}

// Len is the number of elements.
func (a *Array) Len() int {
	if a.Bytes != nil {
		return len(a.Bytes)
	}
	return len(a.Floats)
}

// At returns element i as a float64.
func (a *Array) At(i int) float64 {
	if a.Bytes != nil {
		return float64(a.Bytes[i])
	}
	return a.Floats[i]
}

// Read reads a .npy file. Errors name the file.
func Read(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("npy: %w", err)
	}
	defer f.Close()
	a, err := Parse(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	return a, nil
}

// ReadArchive reads every array of a .npz file (np.savez or
// np.savez_compressed), keyed by name without the .npy suffix. Errors name
// the file and the array.
func ReadArchive(path string) (map[string]*Array, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("npz: %s: %w", path, err)
	}
	defer zr.Close()
	out := map[string]*Array{}
	for _, f := range zr.File {
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("npz: %s: entry %q is not a .npy array", path, f.Name)
		}
		if f.UncompressedSize64 > MaxBytes+1<<16 {
			return nil, fmt.Errorf("npz: %s: array %s declares %d bytes, more than %d", path, name, f.UncompressedSize64, int64(MaxBytes))
		}
		r, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npz: %s: array %s: %w", path, name, err)
		}
		a, err := Parse(bufio.NewReaderSize(r, 1<<20))
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("npz: %s: array %s: %w", path, name, err)
		}
		out[name] = a
	}
	return out, nil
}

// magic opens every .npy stream.
const magic = "\x93NUMPY"

// Parse reads one .npy stream: its header and exactly the data it
// declares.
func Parse(r io.Reader) (*Array, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("reading the magic string: %w", truncated(err))
	}
	if string(pre[:6]) != magic {
		return nil, fmt.Errorf("not a .npy array: it starts %q, want %q", pre[:6], magic)
	}
	var hlen int
	switch pre[6] {
	case 1:
		var n uint16
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("reading the header length: %w", truncated(err))
		}
		hlen = int(n)
	case 2, 3:
		var n uint32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("reading the header length: %w", truncated(err))
		}
		if n > 1<<20 {
			return nil, fmt.Errorf("header of %d bytes: want at most 1 MiB", n)
		}
		hlen = int(n)
	default:
		return nil, fmt.Errorf("format version %d.%d not supported: want 1.0, 2.0 or 3.0", pre[6], pre[7])
	}
	head := make([]byte, hlen)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, fmt.Errorf("reading the header: %w", truncated(err))
	}
	h, err := parseHeader(string(head))
	if err != nil {
		return nil, fmt.Errorf("header %q: %w", strings.TrimSpace(string(head)), err)
	}
	el, err := elementOf(h.descr)
	if err != nil {
		return nil, err
	}
	count := 1
	for _, d := range h.shape {
		if d < 0 {
			return nil, fmt.Errorf("shape %v has a negative dimension", h.shape)
		}
		if d > 0 && count > MaxBytes/el.size/d {
			return nil, fmt.Errorf("shape %v declares more than %d bytes", h.shape, int64(MaxBytes))
		}
		count *= d
	}
	// The buffer starts at the declared size up to 64 MiB, so that the
	// common case allocates once and a lying header costs little.
	var buf bytes.Buffer
	buf.Grow(min(count*el.size, 64<<20))
	n, err := io.Copy(&buf, io.LimitReader(r, int64(count*el.size)))
	if err != nil {
		return nil, fmt.Errorf("reading the data: %w", truncated(err))
	}
	if n < int64(count*el.size) {
		return nil, fmt.Errorf("truncated data: shape %v of %s needs %d bytes, file has %d", h.shape, h.descr, count*el.size, n)
	}
	var extra [1]byte
	if k, _ := io.ReadFull(r, extra[:]); k > 0 {
		return nil, fmt.Errorf("trailing data after the %d bytes that shape %v of %s declares", count*el.size, h.shape, h.descr)
	}
	a := &Array{Shape: h.shape, Dtype: h.descr}
	raw := buf.Bytes()
	if el.bytes {
		a.Bytes = raw
	} else {
		a.Floats = make([]float64, count)
		for i := range a.Floats {
			a.Floats[i] = el.decode(raw[i*el.size:])
		}
	}
	if h.fortran && len(h.shape) > 1 {
		a.toRowMajor()
	}
	return a, nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("file truncated: %w", io.ErrUnexpectedEOF)
	}
	return err
}

// element says how one element of a dtype is stored.
type element struct {
	size   int
	bytes  bool // kept as bytes (uint8, bool)
	decode func([]byte) float64
}

// elementOf maps a NumPy dtype string ("<f4", "|u1", ">i8") to its element.
func elementOf(descr string) (element, error) {
	if len(descr) < 3 {
		return element{}, fmt.Errorf("dtype %q not supported", descr)
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch descr[0] {
	case '<', '|', '=':
	case '>':
		order = binary.BigEndian
	default:
		return element{}, fmt.Errorf("dtype %q not supported: unknown byte order %q", descr, descr[0])
	}
	kind, size := descr[1], descr[2:]
	unsupported := fmt.Errorf("dtype %q not supported: want bool, an integer or a float of 1 to 8 bytes", descr)
	switch kind {
	case 'b':
		if size == "1" {
			return element{size: 1, bytes: true}, nil
		}
	case 'u':
		switch size {
		case "1":
			return element{size: 1, bytes: true}, nil
		case "2":
			return element{2, false, func(b []byte) float64 { return float64(order.Uint16(b)) }}, nil
		case "4":
			return element{4, false, func(b []byte) float64 { return float64(order.Uint32(b)) }}, nil
		case "8":
			return element{8, false, func(b []byte) float64 { return float64(order.Uint64(b)) }}, nil
		}
	case 'i':
		switch size {
		case "1":
			return element{1, false, func(b []byte) float64 { return float64(int8(b[0])) }}, nil
		case "2":
			return element{2, false, func(b []byte) float64 { return float64(int16(order.Uint16(b))) }}, nil
		case "4":
			return element{4, false, func(b []byte) float64 { return float64(int32(order.Uint32(b))) }}, nil
		case "8":
			return element{8, false, func(b []byte) float64 { return float64(int64(order.Uint64(b))) }}, nil
		}
	case 'f':
		switch size {
		case "2":
			return element{2, false, func(b []byte) float64 { return half(order.Uint16(b)) }}, nil
		case "4":
			return element{4, false, func(b []byte) float64 { return float64(math.Float32frombits(order.Uint32(b))) }}, nil
		case "8":
			return element{8, false, func(b []byte) float64 { return math.Float64frombits(order.Uint64(b)) }}, nil
		}
	}
	return element{}, unsupported
}

// half decodes an IEEE 754 half-precision number.
func half(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp, frac := int(h>>10&0x1f), float64(h&0x3ff)
	switch exp {
	case 0:
		return sign * frac * math.Pow(2, -24)
	case 0x1f:
		if frac == 0 {
			return math.Inf(int(sign))
		}
		return math.NaN()
	}
	return sign * (1 + frac/1024) * math.Pow(2, float64(exp-15))
}

// toRowMajor reorders an array read in Fortran (column-major) order.
func (a *Array) toRowMajor() {
	n := a.Len()
	// Element i in Fortran order sits at multi-index (i0, i1, …) with the
	// first index fastest; its row-major position has the last fastest.
	src := make([]int, n)
	idx := make([]int, len(a.Shape))
	for i := range n {
		pos := 0
		for k := range a.Shape {
			pos = pos*a.Shape[k] + idx[k]
		}
		src[i] = pos
		for k := range idx {
			if idx[k]++; idx[k] < a.Shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	if a.Bytes != nil {
		out := make([]uint8, n)
		for i, p := range src {
			out[p] = a.Bytes[i]
		}
		a.Bytes = out
		return
	}
	out := make([]float64, n)
	for i, p := range src {
		out[p] = a.Floats[i]
	}
	a.Floats = out
}

// header is what a .npy header declares.
type header struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader reads the Python dict literal of a .npy header:
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(s string) (header, error) {
	p := &literal{s: strings.TrimSpace(s)}
	var h header
	seen := map[string]bool{}
	if !p.eat("{") {
		return h, errors.New("want a dict")
	}
	for !p.eat("}") {
		key, err := p.str()
		if err != nil {
			return h, err
		}
		if !p.eat(":") {
			return h, fmt.Errorf("want ':' after key %q", key)
		}
		switch key {
		case "descr":
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("descr: %w (structured dtypes are not supported)", err)
			}
		case "fortran_order":
			switch {
			case p.eat("True"):
				h.fortran = true
			case p.eat("False"):
			default:
				return h, errors.New("fortran_order: want True or False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("shape: %w", err)
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		seen[key] = true
		if !p.eat(",") && !p.peek("}") {
			return h, errors.New("want ',' or '}' after a value")
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("no %q", k)
		}
	}
	return h, nil
}

// literal is a cursor over a Python literal.
type literal struct{ s string }

func (p *literal) skip() { p.s = strings.TrimLeft(p.s, " \t\r\n") }

func (p *literal) peek(tok string) bool { p.skip(); return strings.HasPrefix(p.s, tok) }

func (p *literal) eat(tok string) bool {
	if p.peek(tok) {
		p.s = p.s[len(tok):]
		return true
	}
	return false
}

func (p *literal) str() (string, error) {
	p.skip()
	if p.s == "" || (p.s[0] != '\'' && p.s[0] != '"') {
		return "", errors.New("want a quoted string")
	}
	q := p.s[0]
	end := strings.IndexByte(p.s[1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[1 : 1+end]
	p.s = p.s[2+end:]
	return v, nil
}

func (p *literal) tuple() ([]int, error) {
	if !p.eat("(") {
		return nil, errors.New("want a tuple")
	}
	dims := []int{}
	for !p.eat(")") {
		p.skip()
		end := strings.IndexAny(p.s, ",)")
		if end < 0 {
			return nil, errors.New("unterminated tuple")
		}
		tok := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p.s[:end]), "L"))
		d, err := strconv.Atoi(tok)
		if err != nil || d < 0 {
			return nil, fmt.Errorf("dimension %q: want a non-negative integer", tok)
		}
		dims = append(dims, d)
		p.s = p.s[end:]
		p.eat(",")
	}
	return dims, nil
}
