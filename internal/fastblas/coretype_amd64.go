package fastblas

import (
	"os"
	"sync"

	"golang.org/x/sys/cpu"
)

// thisCPU is what coreTypeFor and preferSIMD need to know of the CPU this
// runs on, read once (the vendor from /proc/cpuinfo).
var thisCPU = sync.OnceValue(func() cpuFacts {
	x := cpu.X86
	c := cpuFacts{
		avx512: x.HasAVX512F && x.HasAVX512CD && x.HasAVX512BW && x.HasAVX512DQ && x.HasAVX512VL,
		bf16:   x.HasAVX512BF16,
	}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		c.amd = vendorIsAMD(f)
		f.Close()
	}
	return c
})
