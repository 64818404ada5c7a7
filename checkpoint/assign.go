package checkpoint

import (
	"fmt"
	"sort"
)

// Assign copies loaded tensors into dst, tensor by tensor, after checking
// that the names, dtypes and shapes agree exactly. what names the set in
// errors ("model", "trainer state").
func Assign(dst, src []Tensor, what string) error {
	byName := make(map[string]*Tensor, len(src))
	for i := range src {
		byName[src[i].Name] = &src[i]
	}
	for _, d := range dst {
		s, ok := byName[d.Name]
		if !ok {
			return fmt.Errorf("checkpoint: %s: tensor %q missing", what, d.Name)
		}
		if s.T.Dtype() != d.T.Dtype() || !equalInts(shapeOf(s.T), shapeOf(d.T)) {
			return fmt.Errorf("checkpoint: %s: tensor %q is %v %v, the model needs %v %v",
				what, d.Name, s.T.Dtype(), s.T.Shape(), d.T.Dtype(), d.T.Shape())
		}
		delete(byName, d.Name)
	}
	if len(byName) > 0 {
		var extra []string
		for n := range byName {
			extra = append(extra, n)
		}
		sort.Strings(extra)
		return fmt.Errorf("checkpoint: %s: unexpected tensors %v", what, extra)
	}
	for _, d := range dst {
		s := src[indexOf(src, d.Name)]
		if err := copyData(d.T, s.T); err != nil {
			return fmt.Errorf("checkpoint: %s: tensor %q: %w", what, d.Name, err)
		}
	}
	return nil
}

func indexOf(ts []Tensor, name string) int {
	for i, t := range ts {
		if t.Name == name {
			return i
		}
	}
	return -1
}

func copyData(dst, src interface{ Data() any }) error {
	switch d := dst.Data().(type) {
	case []float32:
		copy(d, src.Data().([]float32))
	case []float64:
		copy(d, src.Data().([]float64))
	case []uint8:
		copy(d, src.Data().([]uint8))
	case []int64:
		copy(d, src.Data().([]int64))
	default:
		return fmt.Errorf("unsupported data %T", d)
	}
	return nil
}
