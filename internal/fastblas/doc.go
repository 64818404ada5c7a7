// Package fastblas chooses the BLAS that gorgonia.org/tensor, and through it
// every matrix product of the models, runs on.
//
// OpenBLAS is opened at run time from libopenblas.so.0 with
// github.com/ebitengine/purego, so the binaries need no cgo and no build
// setting: where the library is installed (Debian: apt-get install
// libopenblas0-pthread) the products run at OpenBLAS speed, elsewhere they
// fall back to gonum's pure-Go BLAS. Only the level-3 products that
// dominate training (Sgemm, Dgemm) go to OpenBLAS; every other routine stays
// gonum's. The choice is global to the tensor package: make it once, at
// start, with [Use].
package fastblas
