//go:build !amd64

package fastblas

// thisCPU is what coreTypeFor needs to know of the CPU this runs on:
// nothing off x86-64, where OpenBLAS's detection is left alone.
func thisCPU() cpuFacts { return cpuFacts{} }
