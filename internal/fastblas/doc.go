// Package fastblas chooses the BLAS that gorgonia.org/tensor, and through it
// every matrix product of the models, runs on, and provides a fast one in
// pure Go.
//
// OpenBLAS is opened at run time from libopenblas.so.0 with
// github.com/ebitengine/purego, so the binaries need no cgo and no build
// setting: where the library is installed (Debian: apt-get install
// libopenblas0-pthread) the products run at OpenBLAS speed. Elsewhere they
// run on [SIMD]: a blocked product after Goto and van de Geijn (gemm.go)
// whose micro-kernels are AVX2/FMA Go assembly (kernel_amd64.s, built on
// amd64 unless the purego build tag is set), where the CPU has AVX2 and
// FMA; and on gonum's pure-Go BLAS, the last fallback, where it has not.
// Only the level-3 products that dominate training (Sgemm, Dgemm) are
// replaced; every other routine stays gonum's. The choice is global to the
// tensor package: make it once, at start, with [Use].
//
// OpenBLAS built with DYNAMIC_ARCH picks its kernels for the CPU when it is
// loaded. Releases before 0.3.22 (Debian bookworm's 0.3.21) do not know
// AMD's AVX-512 processors and run their Haswell (AVX2) kernels there;
// [Open] then sets OPENBLAS_CORETYPE to the Cooper Lake or Skylake-X
// kernels, as later releases choose, unless the variable is already set
// (the user's choice wins). Child processes inherit it, so a peer measured
// from experiments/bench runs the same kernels.
package fastblas
