// Package csvfile reads a dataset from a CSV file: one example a row,
// comma-separated numbers, an optional header line and an optional label
// column, plain or gzip-compressed (detected from the first bytes).
//
// The reader is written for numbers, not for CSV in general: a field may
// be quoted, but it must not hold a comma or a line break. Values that are
// all integers from 0 to 255 are kept as bytes, others as float64. Every
// error names the line and the column.
package csvfile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// The label column choices of [Options.Label].
const (
	// LabelAuto takes the header's column named "label" (any case) as the
	// labels, and no column when there is no such header.
	LabelAuto  = "auto"
	LabelNone  = "none"
	LabelFirst = "first"
	LabelLast  = "last"
)

// Options controls [Parse].
type Options struct {
	// Label says which column holds the labels: LabelAuto (when empty),
	// LabelNone, LabelFirst, LabelLast, or a column name of the header.
	Label string
}

// Table is a CSV file's examples: N rows of D values, row-major, in Bytes
// when every value is an integer from 0 to 255, else in Floats.
type Table struct {
	N, D   int
	Bytes  []uint8
	Floats []float64
	// Labels holds the label column's values, nil without one.
	Labels []int
	// Header holds the header's names (nil without a header), and
	// LabelColumn the label column's index in a line (-1 without one).
	Header      []string
	LabelColumn int
}

// MaxBytes bounds the size of a CSV file once decompressed (4 GiB).
const MaxBytes = 4 << 30

// Read reads a CSV file. Errors name the file.
func Read(path string, opts Options) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	defer f.Close()
	t, err := Parse(f, opts)
	if err != nil {
		return nil, fmt.Errorf("csv: %s: %w", path, err)
	}
	return t, nil
}

// Parse reads CSV text, gzipped or not.
func Parse(r io.Reader, opts Options) (*Table, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("opening gzip stream: %w", err)
		}
		if b, err = io.ReadAll(io.LimitReader(zr, MaxBytes+1)); err != nil {
			return nil, fmt.Errorf("reading gzip stream: %w", err)
		}
	}
	if len(b) > MaxBytes {
		return nil, fmt.Errorf("more than %d bytes", int64(MaxBytes))
	}
	return parse(b, opts)
}

func parse(b []byte, opts Options) (*Table, error) {
	if opts.Label == "" {
		opts.Label = LabelAuto
	}
	t := &Table{LabelColumn: -1}
	lines := lineReader{b: b}
	first, lineNo, ok := lines.next()
	if !ok {
		return nil, errors.New("no rows: the file is empty")
	}
	fields := strings.Split(string(first), ",")
	width := len(fields)
	isHeader := false
	for _, f := range fields {
		if _, err := strconv.ParseFloat(unquote(strings.TrimSpace(f)), 64); err != nil {
			isHeader = true
			break
		}
	}
	if isHeader {
		t.Header = make([]string, width)
		for i, f := range fields {
			t.Header[i] = unquote(strings.TrimSpace(f))
		}
	}
	switch opts.Label {
	case LabelNone:
	case LabelFirst:
		t.LabelColumn = 0
	case LabelLast:
		t.LabelColumn = width - 1
	case LabelAuto:
		for i, h := range t.Header {
			if strings.EqualFold(h, "label") {
				t.LabelColumn = i
			}
		}
	default:
		if t.Header == nil {
			return nil, fmt.Errorf("label column %q: the file has no header line to name it (line 1 is numbers); use first, last or none", opts.Label)
		}
		for i, h := range t.Header {
			if h == opts.Label {
				t.LabelColumn = i
			}
		}
		if t.LabelColumn < 0 {
			return nil, fmt.Errorf("label column %q: the header has no such column (it has %s)", opts.Label, names(t.Header))
		}
	}
	t.D = width
	if t.LabelColumn >= 0 {
		t.D--
		t.Labels = []int{}
	}
	if t.D < 1 {
		return nil, fmt.Errorf("line %d has %d column(s), all labels: want at least one value a row", lineNo, width)
	}
	if !isHeader {
		lines = lineReader{b: b} // line 1 is data
	}
	t.Bytes = make([]uint8, 0, estimateValues(b, width))
	for {
		line, lineNo, ok := lines.next()
		if !ok {
			break
		}
		if err := t.addRow(line, lineNo, width); err != nil {
			return nil, err
		}
	}
	if t.N == 0 {
		return nil, errors.New("no rows: the file has a header and no examples")
	}
	return t, nil
}

// estimateValues guesses the number of values from the file size, for
// the first allocation.
func estimateValues(b []byte, width int) int {
	nl := bytes.Count(b, []byte{'\n'}) + 1
	return min(nl*width, len(b)/2+1)
}

// addRow parses one line of width fields.
func (t *Table) addRow(line []byte, lineNo, width int) error {
	col := 0
	for {
		end := bytes.IndexByte(line, ',')
		field := line
		if end >= 0 {
			field = line[:end]
		}
		if col == width {
			return fmt.Errorf("line %d has more than %d fields (the first line has %d)", lineNo, width, width)
		}
		field = bytes.TrimSpace(field)
		if len(field) >= 2 && field[0] == '"' && field[len(field)-1] == '"' {
			field = field[1 : len(field)-1]
		}
		if col == t.LabelColumn {
			l, ok := parseUint(field)
			if !ok || l > math.MaxInt32 {
				return fmt.Errorf("line %d, column %d: label %q is not a non-negative integer", lineNo, col+1, field)
			}
			t.Labels = append(t.Labels, int(l))
		} else if err := t.addValue(field); err != nil {
			return fmt.Errorf("line %d, column %d: %w", lineNo, col+1, err)
		}
		col++
		if end < 0 {
			break
		}
		line = line[end+1:]
	}
	if col != width {
		return fmt.Errorf("line %d has %d fields, want %d (as the first line)", lineNo, col, width)
	}
	t.N++
	return nil
}

// addValue appends one value, switching from bytes to floats at the first
// value that is not a byte.
func (t *Table) addValue(field []byte) error {
	if v, ok := parseUint(field); ok && v <= 255 && t.Floats == nil {
		t.Bytes = append(t.Bytes, uint8(v))
		return nil
	}
	x, err := strconv.ParseFloat(string(field), 64)
	if err != nil {
		if len(field) == 0 {
			return errors.New("empty field: want a number")
		}
		return fmt.Errorf("%q is not a number", field)
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%q: want a finite number", field)
	}
	if t.Floats == nil {
		t.Floats = make([]float64, len(t.Bytes), cap(t.Bytes))
		for i, v := range t.Bytes {
			t.Floats[i] = float64(v)
		}
		t.Bytes = nil
	}
	t.Floats = append(t.Floats, x)
	return nil
}

// parseUint parses a field of decimal digits, without overflow past 2^53.
func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

func names(h []string) string {
	if len(h) > 6 {
		return strings.Join(h[:3], ", ") + ", …, " + strings.Join(h[len(h)-2:], ", ")
	}
	return strings.Join(h, ", ")
}

// lineReader yields the non-blank lines of a text with their numbers,
// without their line endings.
type lineReader struct {
	b    []byte
	line int
}

func (r *lineReader) next() ([]byte, int, bool) {
	for len(r.b) > 0 {
		r.line++
		end := bytes.IndexByte(r.b, '\n')
		var line []byte
		if end < 0 {
			line, r.b = r.b, nil
		} else {
			line, r.b = r.b[:end], r.b[end+1:]
		}
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if len(bytes.TrimSpace(line)) > 0 {
			return line, r.line, true
		}
	}
	return nil, r.line, false
}
