package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"gorgonia.org/tensor"
)

// Tensor is a named tensor, the unit that checkpoints store.
type Tensor struct {
	Name string
	T    *tensor.Dense
}

// maxHeader bounds the JSON header (safetensors itself allows 100 MB).
const maxHeader = 100 << 20

// metadataKey is the reserved header entry for free-form string metadata.
const metadataKey = "__metadata__"

type dtypeInfo struct {
	name string
	size int
}

var dtypes = []struct {
	dt tensor.Dtype
	dtypeInfo
}{
	{tensor.Float32, dtypeInfo{"F32", 4}},
	{tensor.Float64, dtypeInfo{"F64", 8}},
	{tensor.Uint8, dtypeInfo{"U8", 1}},
	{tensor.Int64, dtypeInfo{"I64", 8}},
}

func infoOf(dt tensor.Dtype) (dtypeInfo, bool) {
	for _, d := range dtypes {
		if d.dt == dt {
			return d.dtypeInfo, true
		}
	}
	return dtypeInfo{}, false
}

func dtypeOf(name string) (tensor.Dtype, int, bool) {
	for _, d := range dtypes {
		if d.name == name {
			return d.dt, d.size, true
		}
	}
	return tensor.Dtype{}, 0, false
}

type headerEntry struct {
	Dtype       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// EncodeSafetensors writes tensors and string metadata in the safetensors
// format. Tensors are laid out in the order given.
func EncodeSafetensors(w io.Writer, ts []Tensor, meta map[string]string) error {
	header := make(map[string]any, len(ts)+1)
	if len(meta) > 0 {
		header[metadataKey] = meta
	}
	var data bytes.Buffer
	for _, t := range ts {
		if t.Name == metadataKey || t.Name == "" {
			return fmt.Errorf("checkpoint: invalid tensor name %q", t.Name)
		}
		if _, dup := header[t.Name]; dup {
			return fmt.Errorf("checkpoint: tensor %q given twice", t.Name)
		}
		info, ok := infoOf(t.T.Dtype())
		if !ok {
			return fmt.Errorf("checkpoint: tensor %q: dtype %v not supported", t.Name, t.T.Dtype())
		}
		begin := int64(data.Len())
		if err := writeData(&data, t.T); err != nil {
			return fmt.Errorf("checkpoint: tensor %q: %w", t.Name, err)
		}
		header[t.Name] = headerEntry{Dtype: info.name, Shape: shapeOf(t.T), DataOffsets: [2]int64{begin, int64(data.Len())}}
	}
	hj, err := json.Marshal(header)
	if err != nil {
		return fmt.Errorf("checkpoint: encoding header: %w", err)
	}
	// Pad with spaces so the data start 8-byte aligned, as the format allows.
	for len(hj)%8 != 0 {
		hj = append(hj, ' ')
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hj)))
	for _, part := range [][]byte{n[:], hj, data.Bytes()} {
		if _, err := w.Write(part); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
	}
	return nil
}

func shapeOf(t *tensor.Dense) []int { return append([]int(nil), t.Shape()...) }

func writeData(buf *bytes.Buffer, t *tensor.Dense) error {
	if t.IsScalar() {
		return errors.New("scalar tensors are not supported")
	}
	if !t.IsNativelyAccessible() || t.RequiresIterator() {
		return errors.New("tensor is a view; save a contiguous copy")
	}
	switch d := t.Data().(type) {
	case []float32:
		b := make([]byte, 4*len(d))
		for i, x := range d {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
		}
		buf.Write(b)
	case []float64:
		b := make([]byte, 8*len(d))
		for i, x := range d {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
		}
		buf.Write(b)
	case []uint8:
		buf.Write(d)
	case []int64:
		b := make([]byte, 8*len(d))
		for i, x := range d {
			binary.LittleEndian.PutUint64(b[8*i:], uint64(x))
		}
		buf.Write(b)
	default:
		return fmt.Errorf("unsupported data %T", d)
	}
	return nil
}

// DecodeSafetensors parses a safetensors file held in memory. It checks the
// header's size, syntax, dtypes, shapes and offsets (in range, matching the
// shape, neither overlapping nor leaving gaps) and returns the tensors sorted
// by name with the metadata.
func DecodeSafetensors(b []byte) ([]Tensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("file of %d bytes is too short for a safetensors header", len(b))
	}
	hl := binary.LittleEndian.Uint64(b[:8])
	if hl > maxHeader || hl > uint64(len(b)-8) {
		return nil, nil, fmt.Errorf("header length %d exceeds the file (%d bytes) or the limit", hl, len(b))
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+hl], &raw); err != nil {
		return nil, nil, fmt.Errorf("header is not a JSON object: %w", err)
	}
	data := b[8+hl:]
	var meta map[string]string
	type span struct {
		begin, end int64
		name       string
	}
	var spans []span
	var out []Tensor
	for name, msg := range raw {
		if name == metadataKey {
			if err := json.Unmarshal(msg, &meta); err != nil {
				return nil, nil, fmt.Errorf("metadata: %w", err)
			}
			continue
		}
		var e headerEntry
		dec := json.NewDecoder(bytes.NewReader(msg))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, nil, fmt.Errorf("tensor %q: %w", name, err)
		}
		dt, size, ok := dtypeOf(e.Dtype)
		if !ok {
			return nil, nil, fmt.Errorf("tensor %q: dtype %q not supported", name, e.Dtype)
		}
		count := int64(1)
		for _, d := range e.Shape {
			if d < 0 || (d > 0 && count > int64(len(data))/int64(d)) {
				return nil, nil, fmt.Errorf("tensor %q: impossible shape %v", name, e.Shape)
			}
			count *= int64(d)
		}
		begin, end := e.DataOffsets[0], e.DataOffsets[1]
		if begin < 0 || end < begin || end > int64(len(data)) {
			return nil, nil, fmt.Errorf("tensor %q: offsets [%d, %d] outside the %d data bytes", name, begin, end, len(data))
		}
		if end-begin != count*int64(size) {
			return nil, nil, fmt.Errorf("tensor %q: shape %v of %s needs %d bytes, offsets give %d", name, e.Shape, e.Dtype, count*int64(size), end-begin)
		}
		if count == 0 || len(e.Shape) == 0 {
			return nil, nil, fmt.Errorf("tensor %q: shape %v: empty and scalar tensors are not supported", name, e.Shape)
		}
		spans = append(spans, span{begin, end, name})
		out = append(out, Tensor{Name: name, T: readData(dt, e.Shape, data[begin:end])})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].begin < spans[j].begin })
	pos := int64(0)
	for _, s := range spans {
		if s.begin != pos {
			return nil, nil, fmt.Errorf("tensor %q starts at byte %d, want %d: the data overlap or leave a gap", s.name, s.begin, pos)
		}
		pos = s.end
	}
	if pos != int64(len(data)) {
		return nil, nil, fmt.Errorf("%d data bytes after the last tensor", int64(len(data))-pos)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, meta, nil
}

func readData(dt tensor.Dtype, shape []int, b []byte) *tensor.Dense {
	var backing any
	switch dt {
	case tensor.Float32:
		d := make([]float32, len(b)/4)
		for i := range d {
			d[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		backing = d
	case tensor.Float64:
		d := make([]float64, len(b)/8)
		for i := range d {
			d[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
		}
		backing = d
	case tensor.Uint8:
		backing = append([]uint8(nil), b...)
	case tensor.Int64:
		d := make([]int64, len(b)/8)
		for i := range d {
			d[i] = int64(binary.LittleEndian.Uint64(b[8*i:]))
		}
		backing = d
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(backing))
}
