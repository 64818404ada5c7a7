package csvfile

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name, text, label string
		n, d              int
		bytes             []uint8
		floats            []float64
		labels            []int
		header            bool
	}{
		{"Kaggle header, label first", "label,pixel0,pixel1\n3,0,255\n7,12,1\n", "", 2, 2, []uint8{0, 255, 12, 1}, nil, []int{3, 7}, true},
		{"no header, label first", "3,0,255\r\n7,12,1\r\n\r\n", "first", 2, 2, []uint8{0, 255, 12, 1}, nil, []int{3, 7}, false},
		{"no header, no labels", "0.5,1\n0,0.25\n", "", 2, 2, nil, []float64{0.5, 1, 0, 0.25}, nil, false},
		{"label last", "1,2,9\n3,4,0\n", "last", 2, 2, []uint8{1, 2, 3, 4}, nil, []int{9, 0}, false},
		{"named label, quoted header", `"a","y","b"` + "\n1,5,2\n", "y", 1, 2, []uint8{1, 2}, nil, []int{5}, true},
		{"header without label", "a,b\n1,2\n", "", 1, 2, []uint8{1, 2}, nil, nil, true},
		{"bytes then floats", "1,2\n0.5,300\n", "none", 2, 2, nil, []float64{1, 2, 0.5, 300}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Parse(strings.NewReader(tc.text), Options{Label: tc.label})
			if err != nil {
				t.Fatal(err)
			}
			if tab.N != tc.n || tab.D != tc.d || !slices.Equal(tab.Bytes, tc.bytes) || !slices.Equal(tab.Floats, tc.floats) ||
				!slices.Equal(tab.Labels, tc.labels) || (tab.Header != nil) != tc.header {
				t.Errorf("got %d×%d bytes %v floats %v labels %v header %v", tab.N, tab.D, tab.Bytes, tab.Floats, tab.Labels, tab.Header)
			}
		})
	}
}

func TestParseGzip(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte("0,1,2\n3,4,5\n"))
	_ = zw.Close()
	tab, err := Parse(&b, Options{Label: LabelLast})
	if err != nil || !slices.Equal(tab.Bytes, []uint8{0, 1, 3, 4}) || !slices.Equal(tab.Labels, []int{2, 5}) {
		t.Fatalf("%+v, %v", tab, err)
	}
}

func TestParseRejectsBadFiles(t *testing.T) {
	for _, tc := range []struct {
		name, text, label, wantErr string
	}{
		{"empty", "", "", "no rows: the file is empty"},
		{"header only", "label,a,b\n", "", "header and no examples"},
		{"ragged short", "1,2,3\n4,5\n", "", "line 2 has 2 fields, want 3"},
		{"ragged long", "1,2\n4,5,6\n", "", "line 2 has more than 2 fields"},
		{"not a number", "1,2\n3,abc\n", "", `line 2, column 2: "abc" is not a number`},
		{"empty field", "1,2\n3,\n", "", "line 2, column 2: empty field"},
		{"NaN", "1,2\n3,NaN\n", "", `line 2, column 2: "NaN": want a finite number`},
		{"label not integer", "label,a\n2.5,1\n", "", `line 2, column 1: label "2.5" is not a non-negative integer`},
		{"negative label", "1,2\n-1,3\n", "first", `label "-1"`},
		{"no such column", "a,b\n1,2\n", "label", `label column "label": the header has no such column (it has a, b)`},
		{"name without header", "1,2\n", "y", "has no header line"},
		{"only a label", "5\n6\n", "first", "all labels"},
		{"bad gzip", "\x1f\x8b garbage", "", "gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.text), Options{Label: tc.label})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("label,a,b\n3,0,255\n7,12,1\n", "")
	f.Add("0.5,1\n0,0.25\n", "last")
	f.Add("\"x\",y\n1,2\n", "y")
	f.Fuzz(func(t *testing.T, text, label string) {
		tab, err := Parse(strings.NewReader(text), Options{Label: label})
		if err != nil {
			return
		}
		if n := len(tab.Bytes) + len(tab.Floats); n != tab.N*tab.D || tab.N < 1 || tab.D < 1 {
			t.Fatalf("%d values for %d rows of %d", n, tab.N, tab.D)
		}
		if tab.Labels != nil && len(tab.Labels) != tab.N {
			t.Fatalf("%d labels for %d rows", len(tab.Labels), tab.N)
		}
	})
}

// mnistLikeCSV is a CSV of n rows of a label and 784 pixel values, as the
// common mnist_train.csv.
func mnistLikeCSV(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	for range n {
		fmt.Fprintf(&b, "%d", rng.IntN(10))
		for range 784 {
			v := 0
			if rng.IntN(5) == 0 {
				v = rng.IntN(256)
			}
			fmt.Fprintf(&b, ",%d", v)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// BenchmarkParseMNISTCSV reports the CSV reader's throughput on text shaped
// as mnist_train.csv (the README quotes it).
func BenchmarkParseMNISTCSV(b *testing.B) {
	text := mnistLikeCSV(5000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(text), Options{Label: LabelFirst}); err != nil {
			b.Fatal(err)
		}
	}
}
