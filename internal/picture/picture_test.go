package picture

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var regen = flag.Bool("regen", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it under -regen.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *regen {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/picture -regen to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file; if the change is intended, rerun with -regen and look at the new picture", name)
	}
}

func TestGridGolden(t *testing.T) {
	// Three 4×5 tiles: a gradient, a cross and a checkerboard, in 2 columns.
	tiles := make([][]float64, 3)
	for k := range tiles {
		tiles[k] = make([]float64, 20)
	}
	for i := range 20 {
		y, x := i/5, i%5
		tiles[0][i] = float64(i) / 19
		if x == 2 || y == 1 {
			tiles[1][i] = 1
		}
		tiles[2][i] = float64((x+y)%2)*4 - 2 // outside [0, 1]: clipped in Unit, stretched in PerTile
	}
	for _, tc := range []struct {
		name  string
		scale Scaling
	}{{"grid_unit.png", Unit}, {"grid_pertile.png", PerTile}} {
		img, err := Grid(tiles, 4, 5, 2, 3, tc.scale)
		if err != nil {
			t.Fatal(err)
		}
		// 2 columns of (5·3 + 1) plus a border; 2 rows of (4·3 + 1) plus a border.
		if b := img.Bounds(); b.Dx() != 33 || b.Dy() != 27 {
			t.Fatalf("grid is %v", b)
		}
		png, err := EncodePNG(img)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, tc.name, png)
	}
	// Corner pixels of the gradient tile are black and white in both scalings.
	img, _ := Grid(tiles, 4, 5, 2, 3, PerTile)
	if img.GrayAt(1, 1).Y != 0 || img.GrayAt(1+14, 1+11).Y != 255 {
		t.Errorf("gradient tile corners %d and %d, want 0 and 255", img.GrayAt(1, 1).Y, img.GrayAt(15, 12).Y)
	}
	if _, err := Grid([][]float64{{1, 2}}, 2, 2, 1, 1, Unit); err == nil {
		t.Error("tile of the wrong size accepted")
	}
}

func TestChartsGolden(t *testing.T) {
	x := []float64{1, 2, 3, 4}
	svg := Charts([]Panel{
		{Title: "error", XLabel: "epoch", Series: []Series{
			{Name: "train", X: x, Y: []float64{50, 30, 25, 22}},
			{Name: "validation", X: x, Y: []float64{51, 32, math.NaN(), 24}},
		}},
		{Title: "flat <line>", XLabel: "epoch", Series: []Series{{Name: "one", X: x[:1], Y: []float64{-3}}}},
	})
	if !bytes.Contains(svg, []byte("flat &lt;line&gt;")) {
		t.Error("titles are not escaped")
	}
	golden(t, "chart.svg", svg)
}

func TestTicksAreRound(t *testing.T) {
	for _, tc := range []struct{ lo, hi float64 }{{0, 1}, {-87.3, -60.1}, {1, 40}, {0.001, 0.0015}} {
		ts := ticks(tc.lo, tc.hi)
		if len(ts) < 2 || len(ts) > 7 {
			t.Errorf("ticks(%g, %g) = %v: want 2 to 7", tc.lo, tc.hi, ts)
		}
		for _, v := range ts {
			if v < tc.lo-1e-12 || v > tc.hi+1e-12 {
				t.Errorf("tick %g outside [%g, %g]", v, tc.lo, tc.hi)
			}
		}
	}
}

// TestChartOfOneEpoch: a series of one point shows (a marker), the x ticks
// of an epoch axis are whole numbers, and every marker lies inside its
// panel's frame.
func TestChartOfOneEpoch(t *testing.T) {
	svg := string(Charts([]Panel{{Title: "t", XLabel: "epoch", IntegerX: true, Series: []Series{{Name: "train", X: []float64{1}, Y: []float64{5}}}},
		{Title: "board", Series: []Series{{Name: "trials", X: []float64{0, 1, 2}, Y: []float64{3, 1, 2}, Points: true}}}}))
	if strings.Count(svg, "<circle") != 4 {
		t.Errorf("%d markers, want 4:\n%s", strings.Count(svg, "<circle"), svg)
	}
	first, _, _ := strings.Cut(svg, ">board<")
	if !strings.Contains(first, `text-anchor="middle">1</text>`) || strings.Contains(first, `>0.5</text>`) || strings.Contains(first, `>1.5</text>`) {
		t.Errorf("epoch ticks are not whole numbers:\n%s", svg)
	}
	// Frames: x from 60 to 345 in the first panel, 420 to 705 in the second; y from 30 to 200.
	re := regexp.MustCompile(`<circle cx="([0-9.]+)" cy="([0-9.]+)"`)
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		if y < 33 || y > 197 || (x < 63 || x > 342) && (x < 423 || x > 702) {
			t.Errorf("marker at (%g, %g) touches or leaves its frame", x, y)
		}
	}
}

func TestShaped(t *testing.T) {
	tiles := [][]float64{{1, 2, 3, 4, 5, 6}, {6, 5, 4, 3, 2, 1}}
	if got, h, w, per := Shaped(tiles, 2, 3, 10); h != 2 || w != 3 || per != 10 || &got[0][0] != &tiles[0][0] {
		t.Errorf("an image shape: %d×%d, %d a row", h, w, per)
	}
	got, h, w, per := Shaped(tiles, 0, 0, 10)
	if h != StripHeight || w != 6 || per != 1 || len(got[1]) != StripHeight*6 || got[1][6] != 6 || got[1][23] != 1 {
		t.Errorf("no shape: %d×%d, %d a row, tile %v", h, w, per, got[1])
	}
}
