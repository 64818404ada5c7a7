// Package race reports whether the binary was built with the race
// detector, for the tests that count allocations: under it, sync.Pool
// drops some of what is put in it, and purego keeps each OpenBLAS call's
// arguments in one, so those calls allocate now and then.
package race
