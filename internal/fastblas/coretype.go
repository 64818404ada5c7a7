package fastblas

import (
	"bufio"
	"io"
	"strings"
)

// CoreTypeEnv is the environment variable through which OpenBLAS built
// with DYNAMIC_ARCH takes its kernels' CPU type instead of detecting it.
const CoreTypeEnv = "OPENBLAS_CORETYPE"

// cpuFacts is what the choice of OpenBLAS kernels rests on.
type cpuFacts struct {
	amd    bool // the vendor is AMD
	avx512 bool // AVX-512 F, CD, BW, DQ and VL, enabled by the OS
	bf16   bool // AVX-512 BF16
}

// coreTypeFor is the OPENBLAS_CORETYPE that [Open] sets when the user has
// set none, or "" to leave OpenBLAS's own detection alone.
//
// OpenBLAS before 0.3.22 (Debian bookworm ships 0.3.21) does not know
// AMD's AVX-512 processors (Zen 4, Zen 5) and runs its Haswell kernels on
// them, which do half the work an instruction, and its products take
// longer than with the AVX-512 kernels (measured on Zen 5 by go run
// ./experiments/bench -autodiff with OPENBLAS_CORETYPE=Haswell and
// without; see experiments/bench/RESULTS.md). Later releases pick the Cooper Lake kernels
// on a CPU with BF16 and the Skylake-X ones on one without, as this does.
// On Intel, OpenBLAS's detection already makes that choice, so it is left
// alone (a newer OpenBLAS may know better kernels for a newer Intel CPU).
func coreTypeFor(c cpuFacts) string {
	switch {
	case !c.amd || !c.avx512:
		return ""
	case c.bf16:
		return "COOPERLAKE"
	}
	return "SKYLAKEX"
}

// vendorIsAMD reports whether a /proc/cpuinfo names AMD as the vendor.
func vendorIsAMD(cpuinfo io.Reader) bool {
	sc := bufio.NewScanner(cpuinfo)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(key) == "vendor_id" {
			return strings.TrimSpace(val) == "AuthenticAMD"
		}
	}
	return false
}
