package picture

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
)

// Scaling says how a tile's values map to grey levels.
type Scaling int

const (
	// Unit maps 0 to black and 1 to white, clipping outside (probabilities).
	Unit Scaling = iota
	// PerTile stretches each tile's own minimum and maximum to black and
	// white (filters, whose scale differs from unit to unit).
	PerTile
)

// Grid lays out tiles of h×w values (row-major) in a grid of cols columns,
// with a one-pixel dark border between tiles, each pixel magnified by zoom.
func Grid(tiles [][]float64, h, w, cols, zoom int, scale Scaling) (*image.Gray, error) {
	if h < 1 || w < 1 || cols < 1 || zoom < 1 {
		return nil, fmt.Errorf("picture: grid needs positive sizes, got tile %d×%d, %d columns, zoom %d", h, w, cols, zoom)
	}
	for i, t := range tiles {
		if len(t) != h*w {
			return nil, fmt.Errorf("picture: tile %d has %d values, want %d×%d", i, len(t), h, w)
		}
	}
	rows := (len(tiles) + cols - 1) / cols
	const border = 1
	cw, ch := w*zoom+border, h*zoom+border
	img := image.NewGray(image.Rect(0, 0, cols*cw+border, rows*ch+border))
	for i := range img.Pix {
		img.Pix[i] = 64
	}
	for k, t := range tiles {
		lo, hi := 0.0, 1.0
		if scale == PerTile {
			lo, hi = math.Inf(1), math.Inf(-1)
			for _, x := range t {
				lo, hi = min(lo, x), max(hi, x)
			}
			if hi <= lo {
				hi = lo + 1
			}
		}
		x0, y0 := (k%cols)*cw+border, (k/cols)*ch+border
		for y := range h {
			for x := range w {
				v := (t[y*w+x] - lo) / (hi - lo)
				g := uint8(math.Round(255 * min(max(v, 0), 1)))
				for dy := range zoom {
					for dx := range zoom {
						img.SetGray(x0+x*zoom+dx, y0+y*zoom+dy, color.Gray{Y: g})
					}
				}
			}
		}
	}
	return img, nil
}

// EncodePNG encodes an image as PNG bytes.
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("picture: %w", err)
	}
	return buf.Bytes(), nil
}

// StripHeight is the height of the strip that draws a tile that is no
// image.
const StripHeight = 4

// Shaped lays tiles out as h×w images, perRow a row, when h·w is their
// length; otherwise (rows that are no images) each tile becomes a strip of
// its values, StripHeight lines tall, one a row.
func Shaped(tiles [][]float64, h, w, perRow int) ([][]float64, int, int, int) {
	if len(tiles) == 0 || h*w == len(tiles[0]) {
		return tiles, h, w, perRow
	}
	d := len(tiles[0])
	strips := make([][]float64, len(tiles))
	for i, t := range tiles {
		for range StripHeight {
			strips[i] = append(strips[i], t...)
		}
	}
	return strips, StripHeight, d, 1
}
