package fssnap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffSeesEveryChange: a changed byte, a new file, a removed one, a
// retargeted link and a changed mode each show.
func TestDiffSeesEveryChange(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "a"), []byte("one"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "b"), []byte("two"), 0o644))
	must(os.Symlink("a", filepath.Join(dir, "l")))
	before, err := Take(dir)
	must(err)
	if d := Diff(before, before); d != "" {
		t.Fatalf("a snapshot differs from itself: %s", d)
	}
	for _, tc := range []struct {
		name   string
		change func()
		want   string
	}{
		{"a byte", func() { must(os.WriteFile(filepath.Join(dir, "a"), []byte("onE"), 0o644)) }, "a: "},
		{"a new file", func() { must(os.WriteFile(filepath.Join(dir, "c"), nil, 0o644)) }, "c: (none)"},
		{"a removed file", func() { must(os.Remove(filepath.Join(dir, "b"))) }, "b: file"},
		{"a link's target", func() { must(os.Remove(filepath.Join(dir, "l"))); must(os.Symlink("b", filepath.Join(dir, "l"))) }, "l: link -> a"},
		{"a mode", func() { must(os.Chmod(filepath.Join(dir, "a"), 0o600)) }, "a: file -rw-r--r--"},
	} {
		tc.change()
		after, err := Take(dir)
		must(err)
		if d := Diff(before, after); !strings.Contains(d, tc.want) {
			t.Errorf("%s: diff %q, want it to name %q", tc.name, d, tc.want)
		}
		before = after
	}
	missing, err := Take(filepath.Join(dir, "nothing"))
	must(err)
	if missing["."] != "missing" {
		t.Errorf("a missing path: %v", missing)
	}
}
