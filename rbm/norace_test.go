//go:build !race

package rbm

const raceDetector = false
