package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/data/npy"
	"github.com/boltzmann-go/boltzmann/internal/fssnap"
)

// destinations are the things that can stand where a command writes, each
// made at a path by its function (from a toy run, its checkpoint and its
// export, made once).
type destination struct {
	name string
	make func(t *testing.T, path string)
}

func destinations(run string) []destination {
	write := func(t *testing.T, path, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyTree := func(t *testing.T, from, to string) {
		t.Helper()
		if out, err := exec.Command("cp", "-a", from, to).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v: %s", err, out)
		}
	}
	return []destination{
		{"missing", func(*testing.T, string) {}},
		{"empty directory", func(t *testing.T, p string) {
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"file", func(t *testing.T, p string) { write(t, p, "x_train,x_test\n1,2\n") }},
		{"link to a file", func(t *testing.T, p string) {
			write(t, p+".target", "notes")
			if err := os.Symlink(filepath.Base(p)+".target", p); err != nil {
				t.Fatal(err)
			}
		}},
		{"directory of other files", func(t *testing.T, p string) { write(t, filepath.Join(p, "notes.txt"), "mine") }},
		{"run", func(t *testing.T, p string) { copyTree(t, run, p) }},
		{"checkpoint", func(t *testing.T, p string) {
			copyTree(t, filepath.Join(run, "checkpoints", "epoch-000001"), p)
		}},
		{"export", func(t *testing.T, p string) { copyTree(t, run+"-export", p) }},
		{"sweep", func(t *testing.T, p string) {
			write(t, filepath.Join(p, "plan.json"), `{"trials": []}`)
			write(t, filepath.Join(p, "leaderboard.md"), "| trial |\n")
		}},
	}
}

// TestNoCommandWritesOverWhatIsNotItsOwn: each command that writes a path
// (train -out, train -sweep's -out, export's destination) is run against
// each thing that can stand there. Where it may write (nothing, an empty
// directory, its own earlier output) it succeeds; elsewhere it fails with
// a message that names the path, and every byte that stood there stands
// unchanged.
func TestNoCommandWritesOverWhatIsNotItsOwn(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a dozen toy runs")
	}
	dir := t.TempDir()
	data := filepath.Join(dir, "toy.npz")
	px := make([]byte, 240*16)
	for i := range px {
		if (i*7919)%13 < 5 {
			px[i] = 255
		}
	}
	if err := npy.WriteArchive(data, map[string]*npy.Array{
		"x_train": {Shape: []int{200, 16}, Bytes: px[:200*16]},
		"x_test":  {Shape: []int{40, 16}, Bytes: px[200*16:]},
	}); err != nil {
		t.Fatal(err)
	}
	toy := []string{"-quiet", "-data", data, "-validation", "0", "-hidden", "4", "-batch", "20", "-chains", "20", "-epochs", "1"}
	ctx := context.Background()
	trained := filepath.Join(dir, "run")
	var stdout, stderr bytes.Buffer
	if code := run(ctx, append([]string{"train", "-out", trained}, toy...), &stdout, &stderr); code != 0 {
		t.Fatalf("train: %s", stderr.String())
	}
	if code := run(ctx, []string{"export", trained, trained + "-export"}, &stdout, &stderr); code != 0 {
		t.Fatalf("export: %s", stderr.String())
	}
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte("base: {data: "+data+", hidden: 4, epochs: 1, validation: 40, batch: 20, chains: 20}\ngrid: {lr: [0.01]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	commands := []struct {
		name string
		args func(dst string) []string
		ok   []string // the destinations it may write; it refuses the rest
	}{
		{"export", func(dst string) []string { return []string{"export", trained, dst} },
			[]string{"missing", "empty directory", "export"}},
		{"train -out", func(dst string) []string { return append([]string{"train", "-out", dst}, toy...) },
			[]string{"missing", "empty directory"}},
		{"train -sweep", func(dst string) []string { return []string{"train", "-sweep", spec, "-out", dst, "-quiet"} },
			[]string{"missing", "empty directory"}},
	}
	for _, c := range commands {
		for _, d := range destinations(trained) {
			t.Run(c.name+"/"+d.name, func(t *testing.T) {
				dst := filepath.Join(t.TempDir(), "dst")
				d.make(t, dst)
				before, err := fssnap.Take(filepath.Dir(dst))
				if err != nil {
					t.Fatal(err)
				}
				var stdout, stderr bytes.Buffer
				code := run(ctx, c.args(dst), &stdout, &stderr)
				ok := false
				for _, o := range c.ok {
					ok = ok || o == d.name
				}
				if ok {
					if code != 0 {
						t.Errorf("exit %d: %s", code, stderr.String())
					}
					return
				}
				if code != 1 || !strings.Contains(stderr.String(), dst) {
					t.Errorf("exit %d, stderr %q: want exit 1 and a message that names %s", code, stderr.String(), dst)
				}
				after, err := fssnap.Take(filepath.Dir(dst))
				if err != nil {
					t.Fatal(err)
				}
				if diff := fssnap.Diff(before, after); diff != "" {
					t.Errorf("the refused command changed what stood there:\n%s", diff)
				}
			})
		}
	}
}
