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
	Gonum    = "gonum"
)

// Use sets the tensor package's BLAS: "openblas" (an error when it cannot
// be loaded), "gonum" (pure Go), or "auto" (OpenBLAS when it loads, else
// gonum). It returns a one-line description of the choice, for the log.
func Use(choice string) (string, error) {
	switch choice {
	case Gonum:
		tensor.Use(gonum.Implementation{})
		return "gonum (pure Go)", nil
	case OpenName, Auto, "":
		o, err := Open("")
		if err != nil {
			if choice == OpenName {
				return "", err
			}
			tensor.Use(gonum.Implementation{})
			return fmt.Sprintf("gonum (pure Go; %s not found: apt-get install libopenblas0-pthread for faster products)", LibraryName), nil
		}
		tensor.Use(o)
		return o.String(), nil
	}
	return "", fmt.Errorf("unknown BLAS %q: want auto, openblas or gonum", choice)
}

// SingleThreaded sets OpenBLAS, when it is the tensor package's BLAS, to
// one thread a call, for callers that split their products over the cores
// themselves (OpenBLAS's idle threads spin and would take the cores from
// them). It reports whether it changed anything.
func SingleThreaded() bool { return Threads(1) }

// Threads sets OpenBLAS, when it is the tensor package's BLAS, to n
// threads a call (for work that leaves the parallelism to the BLAS, such as
// Gorgonia's graphs, after work that did not). It reports whether it
// changed anything.
func Threads(n int) bool {
	if o, ok := tensor.WhichBLAS().(*OpenBLAS); ok {
		return o.SetThreads(n)
	}
	return false
}
