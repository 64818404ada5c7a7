package fastblas

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

func TestCoreTypeFor(t *testing.T) {
	for _, tc := range []struct {
		name string
		cpu  cpuFacts
		want string
	}{
		{"AMD with AVX-512 and BF16 (Zen 4, Zen 5)", cpuFacts{amd: true, avx512: true, bf16: true}, "COOPERLAKE"},
		{"AMD with AVX-512, no BF16", cpuFacts{amd: true, avx512: true}, "SKYLAKEX"},
		{"AMD without AVX-512 (Zen 3)", cpuFacts{amd: true}, ""},
		{"Intel with AVX-512: OpenBLAS knows it", cpuFacts{avx512: true, bf16: true}, ""},
		{"Intel without AVX-512", cpuFacts{}, ""},
	} {
		if got := coreTypeFor(tc.cpu); got != tc.want {
			t.Errorf("%s: coreTypeFor(%+v) = %q, want %q", tc.name, tc.cpu, got, tc.want)
		}
	}
}

func TestVendorIsAMD(t *testing.T) {
	for _, tc := range []struct {
		cpuinfo string
		want    bool
	}{
		{"processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n", true},
		{"processor\t: 0\nvendor_id\t: GenuineIntel\n", false},
		{"processor\t: 0\nmodel name\t: AuthenticAMD lookalike\n", false},
		{"", false},
	} {
		if got := vendorIsAMD(strings.NewReader(tc.cpuinfo)); got != tc.want {
			t.Errorf("vendorIsAMD(%q) = %v, want %v", tc.cpuinfo, got, tc.want)
		}
	}
}

// TestOpenChoosesTheCoreType opens OpenBLAS in a fresh process (the
// library reads its CPU type once a process) and checks that the kernels
// it reports are the ones coreTypeFor chose, where it chose any.
func TestOpenChoosesTheCoreType(t *testing.T) {
	if os.Getenv("FASTBLAS_CORETYPE_CHILD") == "1" {
		o, err := Open("")
		if err != nil {
			t.Skipf("no OpenBLAS: %v", err)
		}
		want := coreTypeFor(thisCPU())
		// The parent left OPENBLAS_CORETYPE out of this process's
		// environment, so Open chose whenever coreTypeFor did.
		if want == "" {
			t.Skipf("nothing to choose on this CPU (%s)", o)
		}
		// openblas_get_config names the kernels in use: "Cooperlake", "SkylakeX".
		if !strings.Contains(strings.ToLower(strings.ReplaceAll(o.String(), " ", "")), strings.ToLower(want)) {
			t.Fatalf("OpenBLAS reports %q, want the %s kernels", o, want)
		}
		t.Logf("OpenBLAS: %s", o)
		return
	}
	if _, err := Open(""); err != nil {
		t.Skipf("no OpenBLAS: %v", err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenChoosesTheCoreType$", "-test.v")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, CoreTypeEnv+"=") { // set by this process's own Open
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "FASTBLAS_CORETYPE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	t.Logf("%s", out)
}
