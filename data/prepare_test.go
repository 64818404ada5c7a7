package data

import (
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// TestStochasticBinarizationIsOneStream: the blocks binarised on
// goroutines draw exactly what one sequential pass of rand.Rand.Float64
// over the part draws (the numbers runs were trained on before the loader
// went parallel).
func TestStochasticBinarizationIsOneStream(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	n, d := 1000, 784 // 784,000 values: several blocks
	px := make([]byte, n*d)
	src := rand.New(rand.NewPCG(3, 4))
	for i := range px {
		px[i] = byte(src.IntN(256))
	}
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		raw := &Raw{Train: RawPart{N: n, X: Values{Bytes: px, Scale: 255}}, Test: RawPart{N: 1, X: Values{Bytes: px[:d], Scale: 255}}, D: d}
		s, err := Prepare(raw, PrepareOptions{Binarize: Stochastic, Seed: 9, Dtype: dt, Validation: NoValidation})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(9, streamBinarizeTrain))
		got := s.Train.X
		for i, p := range px {
			want := b2f(rng.Float64() < float64(p)/255)
			var g float64
			if dt == tensor.Float32 {
				g = float64(got.Float32s()[i])
			} else {
				g = got.Float64s()[i]
			}
			if g != want {
				t.Fatalf("%v value %d: %g, want %g", dt, i, g, want)
			}
		}
	}
}

func TestPrepareRefuses(t *testing.T) {
	part := func(n int, labels []int) RawPart {
		return RawPart{N: n, X: Values{Bytes: make([]byte, 2*n), Scale: 255}, Labels: labels}
	}
	for _, tc := range []struct {
		name    string
		raw     Raw
		opts    PrepareOptions
		wantErr string
	}{
		{"validation too large", Raw{Train: part(5, nil), Test: part(1, nil), D: 2}, PrepareOptions{Validation: 5}, "5 training examples cannot hold out 5 for validation (set -validation lower, 0 for none)"},
		{"empty test", Raw{Train: part(5, nil), Test: part(0, nil), D: 2}, PrepareOptions{Validation: NoValidation}, "the test set is empty"},
		{"label count", Raw{Train: part(2, []int{1}), Test: part(1, []int{1}), D: 2}, PrepareOptions{Validation: NoValidation}, "the training set has 1 labels for 2 rows"},
		{"negative label", Raw{Train: part(1, []int{-1}), Test: part(1, []int{1}), D: 2}, PrepareOptions{Validation: NoValidation}, "training label -1 at row 0"},
		{"shape", Raw{Train: part(1, nil), Test: part(1, nil), D: 2, Rows: 2, Cols: 2}, PrepareOptions{Validation: NoValidation}, "image shape 2×2 does not hold rows of 2 values"},
		{"byte above scale", Raw{Train: RawPart{N: 1, X: Values{Bytes: []byte{1, 17}, Scale: 16}}, Test: part(1, nil), D: 2}, PrepareOptions{Validation: NoValidation}, "training row 0, column 1: value 17 is above the scale 16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Prepare(&tc.raw, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestSameFiles(t *testing.T) {
	a, b, a2 := File{Path: "x/a", SHA256: "aa"}, File{Path: "x/b", SHA256: "bb"}, File{Path: "moved/a", SHA256: "aa"}
	for _, tc := range []struct {
		name           string
		recorded, read []File
		wantErr        string
	}{
		{"nothing recorded", nil, []File{a}, ""},
		{"same content, moved", []File{a, b}, []File{a2, b}, ""},
		{"other content", []File{a, b}, []File{a, a2}, "trained on x/b (SHA-256 bb…) but reads moved/a"},
		{"one missing", []File{a, b}, []File{a}, "but reads no file"},
		{"one more", []File{a}, []File{a, b}, "trained on 1 files but reads 2 (x/b)"},
	} {
		err := SameFiles(tc.recorded, tc.read)
		if (err == nil) != (tc.wantErr == "") || err != nil && !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}
