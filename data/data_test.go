package data

import (
	"slices"
	"testing"

	"gorgonia.org/tensor"
)

func TestBatchesShuffleDeterministically(t *testing.T) {
	n, d := 25, 3
	x := make([]float32, n*d)
	for i := range n {
		for j := range d {
			x[i*d+j] = float32(i)
		}
	}
	data := tensor.New(tensor.WithShape(n, d), tensor.WithBacking(x))
	b, err := NewBatches(data, 4)
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() != 6 {
		t.Fatalf("%d batches of 4 from 25, want 6", b.Len())
	}
	order := func(epoch int) []float32 {
		b.Shuffle(9, epoch)
		var rows []float32
		for i := range b.Len() {
			bt := b.Batch(i)
			if s := bt.Shape(); s[0] != 4 || s[1] != 3 {
				t.Fatalf("batch shape %v", s)
			}
			v := bt.Data().([]float32)
			for r := range 4 {
				rows = append(rows, v[r*d])
			}
		}
		return rows
	}
	e0, e0again, e1 := order(0), order(0), order(1)
	seen := map[float32]bool{}
	for i := range e0 {
		if e0[i] != e0again[i] {
			t.Fatal("the same seed and epoch gave different orders")
		}
		if seen[e0[i]] {
			t.Fatalf("row %g served twice in one epoch", e0[i])
		}
		seen[e0[i]] = true
	}
	if slices.Equal(e0, e1) {
		t.Error("epochs 0 and 1 have the same order")
	}
	if _, err := NewBatches(data, 26); err == nil {
		t.Error("batch larger than the data accepted")
	}
}
