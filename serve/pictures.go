package serve

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/boltzmann-go/boltzmann/data/files"
	"github.com/boltzmann-go/boltzmann/evaluate"
	"github.com/boltzmann-go/boltzmann/internal/picture"
	"github.com/boltzmann-go/boltzmann/kinds"
)

// handlePicture renders the latest checkpoint's filters or samples as a
// PNG, once per checkpoint: the PNG is kept in memory (s.pictures), never
// written to disk.
func (s *Server) handlePicture(w http.ResponseWriter, r *http.Request) {
	dir, _, ok := s.runDir(w, r)
	if !ok {
		return
	}
	what := r.URL.Query().Get("what")
	if what != "filters" && what != "samples" {
		http.Error(w, "what: want filters or samples", http.StatusBadRequest)
		return
	}
	ck, err := s.latest(dir)
	if err != nil {
		http.Error(w, "no checkpoint yet", http.StatusNotFound)
		return
	}
	b, err := s.picture(r.Context(), ck, what)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// picture is a checkpoint's picture from the cache, or rendered and
// cached. Rendering is slow (a sample takes pictureSteps Gibbs steps), so
// one runs at a time, and a request that waited for another's rendering
// of the same picture takes that one.
func (s *Server) picture(ctx context.Context, ck, what string) ([]byte, error) {
	key := ck + "|" + what
	if b, ok := s.pictures.Get(key); ok {
		return b, nil
	}
	s.render.Lock()
	defer s.render.Unlock()
	if b, ok := s.pictures.Get(key); ok {
		return b, nil
	}
	b, err := renderPicture(ctx, ck, what)
	if err != nil {
		return nil, err
	}
	s.pictures.Add(key, b)
	return b, nil
}

// pictureSteps is the Gibbs steps of the page's samples.
const pictureSteps = 200

// renderPicture draws a checkpoint's filters (or a Hopfield network's
// stored patterns) or samples.
func renderPicture(ctx context.Context, ck, what string) ([]byte, error) {
	loaded, err := kinds.Load(ck)
	if err != nil {
		return nil, err
	}
	var tiles [][]float64
	scale := picture.PerTile
	ok := false
	if what == "filters" {
		tiles, scale, ok = evaluate.FilterPicture(loaded.Model, 100)
	} else {
		scale = picture.Unit
		if tiles, ok, err = evaluate.SamplePicture(loaded.Model, 100, pictureSteps, 1, func(int) {}); err != nil {
			return nil, err
		}
	}
	if !ok {
		return nil, fmt.Errorf("a %s model has no %s picture", loaded.Config.Model, what)
	}
	if len(tiles) == 0 {
		return nil, errors.New("nothing to draw")
	}
	rows, cols := tileShape(loaded.Config.ImageShape, len(tiles[0]))
	tiles, rows, cols, perRow := picture.Shaped(tiles, rows, cols, 10)
	img, err := picture.Grid(tiles, rows, cols, perRow, 2, scale)
	if err != nil {
		return nil, err
	}
	return picture.EncodePNG(img)
}

// tileShape is the image shape of a run's rows: the configured one, else
// a square, else none (0, 0).
func tileShape(shape string, d int) (int, int) {
	if r, c, err := files.ParseShape(shape); err == nil && r*c == d {
		return r, c
	}
	if r := int(math.Round(math.Sqrt(float64(d)))); r*r == d {
		return r, r
	}
	return 0, 0
}
