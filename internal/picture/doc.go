// Package picture draws what a person looks at to judge a model: grids of
// image tiles (filters, samples, reconstructions) as PNG, and training
// curves as SVG line charts. Both are deterministic, byte for byte, so the
// tests compare them with golden files under testdata/ (regenerate with
// go test ./internal/picture -regen).
package picture
