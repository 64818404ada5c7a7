package picture

import (
	"bytes"
	"fmt"
	"html"
	"math"
)

// Series is one line of a chart, or a cloud of points when Points is set.
type Series struct {
	Name   string
	X, Y   []float64
	Points bool
}

// Panel is one chart: a title, an axis label and its lines. IntegerX puts
// the x ticks on whole numbers only (epochs).
type Panel struct {
	Title, XLabel string
	Series        []Series
	IntegerX      bool
}

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"}

// Charts draws panels side by side as one SVG document, each with its own
// axes, ticks and legend. Non-finite points are skipped.
func Charts(panels []Panel) []byte {
	const pw, ph, ml, mr, mt, mb = 360.0, 280.0, 60.0, 15.0, 30.0, 80.0
	var b bytes.Buffer
	width := pw * float64(len(panels))
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="11">`+"\n", width, ph)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	for i, p := range panels {
		ox := pw * float64(i)
		x0, x1, y0, y1 := bounds(p.Series)
		px := func(x float64) float64 { return ox + ml + (x-x0)/(x1-x0)*(pw-ml-mr) }
		py := func(y float64) float64 { return mt + (y1-y)/(y1-y0)*(ph-mt-mb) }
		fmt.Fprintf(&b, `<text x="%.1f" y="18" text-anchor="middle" font-size="13">%s</text>`+"\n", ox+pw/2, html.EscapeString(p.Title))
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#444"/>`+"\n", ox+ml, mt, pw-ml-mr, ph-mt-mb)
		for _, t := range ticks(y0, y1) {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", ox+ml-4, py(t)+4, fmtTick(t))
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", ox+ml, ox+pw-mr, py(t), py(t))
		}
		xt := ticks(x0, x1)
		if p.IntegerX {
			xt = integerTicks(x0, x1)
		}
		for _, t := range xt {
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", px(t), ph-mb+14, fmtTick(t))
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", ox+ml+(pw-ml-mr)/2, ph-mb+30, html.EscapeString(p.XLabel))
		for k, s := range p.Series {
			col := palette[k%len(palette)]
			var pts bytes.Buffer
			for j := range s.X {
				if !finite(s.X[j]) || !finite(s.Y[j]) {
					continue
				}
				if s.Points {
					fmt.Fprintf(&b, `<circle cx="%.2f" cy="%.2f" r="3" fill="%s"/>`+"\n", px(s.X[j]), py(s.Y[j]), col)
				} else {
					// A marker on every point, so that a one-epoch run shows.
					fmt.Fprintf(&pts, "%.2f,%.2f ", px(s.X[j]), py(s.Y[j]))
					fmt.Fprintf(&b, `<circle cx="%.2f" cy="%.2f" r="2" fill="%s"/>`+"\n", px(s.X[j]), py(s.Y[j]), col)
				}
			}
			if !s.Points {
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`+"\n", col, bytes.TrimSpace(pts.Bytes()))
			}
			// Legend: two entries a row under the axis label.
			ly := ph - mb + 46 + 16*float64(k/2)
			lx := ox + ml + float64(k%2)*140
			fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="%s" stroke-width="2"/>`, lx, lx+16, ly-4, ly-4, col)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f">%s</text>`+"\n", lx+20, ly, html.EscapeString(s.Name))
		}
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func bounds(ss []Series) (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for _, s := range ss {
		for j := range s.X {
			if finite(s.X[j]) && finite(s.Y[j]) {
				x0, x1 = min(x0, s.X[j]), max(x1, s.X[j])
				y0, y1 = min(y0, s.Y[j]), max(y1, s.Y[j])
			}
		}
	}
	if math.IsInf(x0, 1) {
		return 0, 1, 0, 1
	}
	if x1 <= x0 {
		x0, x1 = x0-0.5, x1+0.5
	}
	if y1 <= y0 {
		y0, y1 = y0-0.5, y1+0.5
	}
	// A margin on each side keeps markers inside the frame.
	xpad, ypad := (x1-x0)*0.04, (y1-y0)*0.05
	return x0 - xpad, x1 + xpad, y0 - ypad, y1 + ypad
}

// integerTicks returns about five whole numbers between lo and hi.
func integerTicks(lo, hi float64) []float64 {
	var out []float64
	for _, t := range ticks(lo, hi) {
		if t == math.Trunc(t) {
			out = append(out, t)
		}
	}
	if len(out) < 2 {
		out = out[:0]
		for t := math.Ceil(lo); t <= hi; t++ {
			out = append(out, t)
		}
	}
	return out
}

// ticks returns about five round values between lo and hi.
func ticks(lo, hi float64) []float64 {
	step := math.Pow(10, math.Floor(math.Log10((hi-lo)/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if (hi-lo)/(step*m) <= 6 {
			step *= m
			break
		}
	}
	var out []float64
	for t := math.Ceil(lo/step) * step; t <= hi+step*1e-9; t += step {
		out = append(out, t)
	}
	return out
}

func fmtTick(t float64) string {
	if math.Abs(t) < 1e-12 {
		t = 0
	}
	return fmt.Sprintf("%.4g", t)
}
