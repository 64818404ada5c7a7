package version

import "testing"

func TestString(t *testing.T) {
	for _, tc := range []struct {
		info Info
		want string
	}{
		{Info{Version: "v1.2.3", Go: "go1.26.8"}, "v1.2.3, go1.26.8"},
		{Info{Version: "(devel)", Revision: "90028d7c0123456789abcdef", Modified: true, Go: "go1.26.8"}, "(devel) rev 90028d7c0123 (modified), go1.26.8"},
		{Info{Version: "(devel)", Revision: "abc"}, "(devel) rev abc"},
	} {
		if got := tc.info.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.info, got, tc.want)
		}
	}
	if Read().Version == "" {
		t.Error("Read gives no version")
	}
}
