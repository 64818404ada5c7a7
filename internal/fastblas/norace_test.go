//go:build !race

package fastblas

const raceDetector = false
