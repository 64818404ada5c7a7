package evalcmd

import (
	"math"

	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/train"
)

// addPNG draws tiles as a grid, perRow a row, and holds the PNG for path
// among the files that out writes with the report.
func (out *pending) addPNG(path string, tiles [][]float64, rows, cols int, s picture.Scaling, perRow int) (string, error) {
	tiles, rows, cols, perRow = picture.Shaped(tiles, rows, cols, perRow)
	img, err := picture.Grid(tiles, rows, cols, perRow, 2, s)
	if err != nil {
		return "", err
	}
	b, err := picture.EncodePNG(img)
	if err != nil {
		return "", err
	}
	out.add(path, b)
	return path, nil
}

func curves(ms []train.Metrics) []byte {
	series := func(name string, f func(train.Metrics) float64) picture.Series {
		s := picture.Series{Name: name}
		for _, m := range ms {
			if y := f(m); !math.IsNaN(y) { // validation metrics are absent when nothing was held out
				s.X = append(s.X, float64(m.Epoch))
				s.Y = append(s.Y, y)
			}
		}
		return s
	}
	return picture.Charts([]picture.Panel{
		{Title: "reconstruction error", XLabel: "epoch", IntegerX: true, Series: []picture.Series{
			series("train", func(m train.Metrics) float64 { return m.TrainRecon }),
			series("validation", func(m train.Metrics) float64 { return m.ValidRecon })}},
		{Title: "pseudo-log-likelihood (nats)", XLabel: "epoch", IntegerX: true, Series: []picture.Series{
			series("train", func(m train.Metrics) float64 { return m.TrainPLL }),
			series("validation", func(m train.Metrics) float64 { return m.ValidPLL })}},
		{Title: "mean free energy", XLabel: "epoch", IntegerX: true, Series: []picture.Series{
			series("train", func(m train.Metrics) float64 { return m.TrainFree }),
			series("validation", func(m train.Metrics) float64 { return m.ValidFree })}},
	})
}
