package fastblas

import "os"

// ciRequires reports whether the environment promises OpenBLAS: CI installs
// it, and BOLTZMANN_REQUIRE_OPENBLAS=1 asks the same of any machine.
func ciRequires() bool {
	return os.Getenv("CI") == "true" || os.Getenv("BOLTZMANN_REQUIRE_OPENBLAS") == "1"
}
