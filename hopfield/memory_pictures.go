package hopfield

// StoredPatterns returns the first n stored patterns as pictures, the ±1
// states mapped to 0 and 1 (evaluate.PatternStore).
func (m *Memory) StoredPatterns(n int) [][]float64 {
	shape := m.Patterns.Shape()
	p, d := shape[0], shape[1]
	data := m.Patterns.Data().([]float64)
	var tiles [][]float64
	for k := range min(n, p) {
		t := make([]float64, d)
		for j, v := range data[k*d : (k+1)*d] {
			t[j] = (v + 1) / 2
		}
		tiles = append(tiles, t)
	}
	return tiles
}
