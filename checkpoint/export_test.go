package checkpoint

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportIsTheModelAlone(t *testing.T) {
	run := t.TempDir()
	dir, err := Save(run, sample(), 0)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "models", "toy")
	if err := Export(run, dst); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dst)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "config.json model.safetensors" {
		t.Fatalf("export holds %v, want config.json and model.safetensors", names)
	}
	a, _ := os.ReadFile(filepath.Join(dir, ModelFile))
	b, _ := os.ReadFile(filepath.Join(dst, ModelFile))
	if !bytes.Equal(a, b) {
		t.Error("the exported model.safetensors differs from the checkpoint's")
	}
	got, err := Load(dst)
	if err != nil {
		t.Fatal(err)
	}
	if !got.ModelOnly || len(got.State) != 0 || got.Kind != "rbm" || got.Progress != sample().Progress || len(got.Model) != 2 {
		t.Errorf("loaded model-only %v, %d state tensors, kind %q, progress %+v, %d model tensors",
			got.ModelOnly, len(got.State), got.Kind, got.Progress, len(got.Model))
	}
	if full, _ := Load(run); full.ModelOnly {
		t.Error("a full checkpoint loads as model-only")
	}
	// Exporting again replaces the model; a directory holding something
	// else is refused and left as it was.
	if err := Export(dir, dst); err != nil {
		t.Fatalf("exporting over an export: %v", err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Export(run, other); err == nil || !strings.Contains(err.Error(), "holds notes.txt and no exported model") {
		t.Errorf("exporting into a directory of other files: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(other, "notes.txt")); string(b) != "mine" {
		t.Error("the refused export changed the directory's files")
	}
	// The export's checksum is checked like a checkpoint's.
	p := filepath.Join(dst, ModelFile)
	b[len(b)-1] ^= 1
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dst); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("a flipped bit in an exported model: %v", err)
	}
}

func TestExportRefusesACorruptCheckpoint(t *testing.T) {
	run := t.TempDir()
	dir, err := Save(run, sample(), 0)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, TrainerFile)
	b, _ := os.ReadFile(p)
	b[20] ^= 0x40
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "m")
	if err := Export(run, dst); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("export of a corrupt checkpoint: %v", err)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Error("a refused export wrote its directory")
	}
}
