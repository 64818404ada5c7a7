package fastblas

import (
	"fmt"

	"gonum.org/v1/gonum/blas/gonum"
	"gorgonia.org/tensor"
)

// Names of the choices [Use] accepts.
const (
	Auto     = "auto"
	OpenName = "openblas"
	SIMDName = "simd"
	Gonum    = "gonum"
)

// Usage is the help text of the commands' -blas flag, whose value goes to
// [Use].
const Usage = "matrix products: auto (simd on AMD CPUs with AVX-512; else OpenBLAS if installed, else simd where the CPU has AVX2, else gonum), openblas, simd or gonum"

// Use sets the tensor package's BLAS: "openblas" (an error when it cannot
// be loaded), "simd" (pure Go with this package's assembly kernels; an
// error where the CPU lacks AVX2 and FMA), "gonum" (pure Go), or "auto"
// (the SIMD BLAS on an AMD CPU with AVX-512, where it is the faster, see
// preferSIMD; elsewhere the first of the three that works here). It
// returns a one-line description of the choice, for the log.
func Use(choice string) (string, error) {
	switch choice {
	case Gonum:
		tensor.Use(gonum.Implementation{})
		return "gonum (pure Go)", nil
	case SIMDName:
		s, err := NewSIMD()
		if err != nil {
			return "", err
		}
		tensor.Use(s)
		return s.String(), nil
	case OpenName, Auto, "":
		if choice != OpenName && preferSIMD() {
			if s, err := NewSIMD(); err == nil {
				tensor.Use(s)
				return s.String() + "; auto: ahead of OpenBLAS on this CPU", nil
			}
		}
		o, err := Open("")
		if err == nil {
			tensor.Use(o)
			return o.String(), nil
		}
		if choice == OpenName {
			return "", err
		}
		return usePureGo(), nil
	}
	return "", fmt.Errorf("unknown BLAS %q: want auto, openblas, simd or gonum", choice)
}

// preferSIMD reports whether "auto" takes the SIMD BLAS before OpenBLAS:
// where its AVX-512 kernels run on an AMD CPU. There it made the autodiff
// steps faster than OpenBLAS 0.3.21 on its own AVX-512 kernels (the DBM's
// joint step about as fast, run to run), and its products as fast
// (measured on AMD Zen 5 by go run ./experiments/bench -autodiff and
// BenchmarkGemm in internal/fastblas; see experiments/bench/RESULTS.md).
// On Intel's AVX-512 CPUs, which OpenBLAS knows, it is not measured, and
// OpenBLAS stays first.
func preferSIMD() bool { return haveKernels512 && thisCPU().amd }

// usePureGo is "auto" where OpenBLAS is absent: the SIMD BLAS where its
// kernels run, else gonum.
func usePureGo() string {
	hint := fmt.Sprintf("%s not found: apt-get install libopenblas0-pthread for faster products", LibraryName)
	if s, err := NewSIMD(); err == nil {
		tensor.Use(s)
		return fmt.Sprintf("%s; %s", s, hint)
	}
	tensor.Use(gonum.Implementation{})
	return fmt.Sprintf("gonum (pure Go; %s)", hint)
}

// SingleThreaded sets OpenBLAS or the SIMD BLAS, when one is the tensor
// package's BLAS, to one thread a call, for callers that split their
// products over the cores themselves (OpenBLAS's idle threads spin and
// would take the cores from them). It reports whether it changed anything.
func SingleThreaded() bool { return Threads(1) }

// Threads sets OpenBLAS or the SIMD BLAS, whichever is the tensor
// package's, to n threads a call (for work that leaves the parallelism to
// the BLAS, such as Gorgonia's graphs, after work that did not). It
// reports whether it changed anything.
func Threads(n int) bool {
	if t, ok := tensor.WhichBLAS().(interface{ SetThreads(int) bool }); ok {
		return t.SetThreads(n)
	}
	return false
}

// CurrentThreads returns the threads a call of OpenBLAS or the SIMD BLAS,
// whichever is the tensor package's, uses, so that a caller who changes
// them can put back what it found. ok is false under another BLAS, or an
// OpenBLAS that cannot say.
func CurrentThreads() (n int, ok bool) {
	if t, ok := tensor.WhichBLAS().(interface{ Threads() (int, bool) }); ok {
		return t.Threads()
	}
	return 0, false
}
