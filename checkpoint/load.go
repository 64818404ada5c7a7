package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Load reads the checkpoint at path (see [Resolve]), checking its format
// version, file sizes and checksums, and that the tensors match the shapes
// its config.json records.
func Load(path string) (*Checkpoint, error) {
	c, _, _, err := load(path)
	return c, err
}

// load is [Load], also returning the manifest and the model file's bytes
// as read and verified, for [Export] to write without reading again.
func load(path string) (*Checkpoint, *manifest, []byte, error) {
	dir, err := Resolve(path)
	if err != nil {
		return nil, nil, nil, err
	}
	mb, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
	}
	c, man, err := parseManifest(mb)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: %s: %w", filepath.Join(dir, ConfigFile), err)
	}
	var model []byte
	for _, name := range []string{ModelFile, TrainerFile} {
		if name == TrainerFile && c.ModelOnly {
			continue
		}
		p := filepath.Join(dir, name)
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("checkpoint: %w", err)
		}
		ts, err := verifyAndDecode(b, man.Files[name])
		if err != nil {
			return nil, nil, nil, fmt.Errorf("checkpoint: %s: %w", p, err)
		}
		if name == ModelFile {
			c.Model, model = ts, b
		} else {
			c.State = ts
		}
	}
	if err := checkRecorded(c.Model, man.Tensors); err != nil {
		return nil, nil, nil, fmt.Errorf("checkpoint: %s: %w", filepath.Join(dir, ModelFile), err)
	}
	return c, man, model, nil
}

func parseManifest(b []byte) (*Checkpoint, *manifest, error) {
	var man manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&man); err != nil {
		return nil, nil, fmt.Errorf("not a valid checkpoint manifest: %w", err)
	}
	if man.FormatVersion != FormatVersion {
		age := "a newer"
		if man.FormatVersion < FormatVersion {
			age = "an older"
		}
		by := ""
		if man.Version != "" {
			by = " (written by boltzmann " + man.Version + ")"
		}
		return nil, nil, fmt.Errorf("format_version %d%s not supported: this build reads version %d, and %d is %s layout; load it with a build of that version",
			man.FormatVersion, by, FormatVersion, man.FormatVersion, age)
	}
	if man.Kind == "" {
		return nil, nil, errors.New("kind is missing")
	}
	if _, ok := man.Files[ModelFile]; !ok {
		return nil, nil, fmt.Errorf("files: no checksum recorded for %s", ModelFile)
	}
	for f := range man.Files {
		if f != ModelFile && f != TrainerFile {
			return nil, nil, fmt.Errorf("files: unknown file %q", f)
		}
	}
	if man.Progress.Epoch < 0 || man.Progress.Batch < 0 || man.Progress.Step < 0 {
		return nil, nil, fmt.Errorf("progress %+v is negative", man.Progress)
	}
	_, hasTrainer := man.Files[TrainerFile]
	return &Checkpoint{Kind: man.Kind, Config: man.Config, Progress: man.Progress, ModelOnly: !hasTrainer}, &man, nil
}

func verifyAndDecode(b []byte, want fileInfo) ([]Tensor, error) {
	if int64(len(b)) != want.Bytes {
		return nil, fmt.Errorf("file has %d bytes, config.json records %d: truncated or altered", len(b), want.Bytes)
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want.SHA256 {
		return nil, fmt.Errorf("SHA-256 %s does not match %s recorded in config.json: the file is corrupt or altered", got, want.SHA256)
	}
	ts, _, err := DecodeSafetensors(b)
	return ts, err
}

func checkRecorded(ts []Tensor, rec map[string]tensorInfo) error {
	if len(ts) != len(rec) {
		return fmt.Errorf("holds %d tensors, config.json records %d", len(ts), len(rec))
	}
	for _, t := range ts {
		info, ok := rec[t.Name]
		if !ok {
			return fmt.Errorf("tensor %q is not recorded in config.json", t.Name)
		}
		d, _ := infoOf(t.T.Dtype())
		if d.name != info.Dtype || !equalInts(shapeOf(t.T), info.Shape) {
			return fmt.Errorf("tensor %q is %s %v, config.json records %s %v", t.Name, d.name, shapeOf(t.T), info.Dtype, info.Shape)
		}
	}
	return nil
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
