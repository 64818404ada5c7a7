//go:build race

package train

// raceDetector is set in builds with the race detector, under which
// sync.Pool drops some of what is put in it: purego keeps each OpenBLAS
// call's arguments in one, so those calls allocate now and then.
const raceDetector = true
