package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/boltzmann-go/boltzmann/internal/testhook"
	"github.com/boltzmann-go/boltzmann/internal/version"
)

// Save writes c as a new checkpoint under runDir/checkpoints, points
// checkpoints/latest at it, and then removes all but the newest keep
// checkpoints (keep ≤ 0 keeps all). It returns the checkpoint's directory.
func Save(runDir string, c *Checkpoint, keep int) (string, error) {
	pause := testhook.CheckpointWrite
	if pause == nil {
		pause = func() {}
	}
	root := filepath.Join(runDir, Dir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	files := map[string][]Tensor{ModelFile: c.Model, TrainerFile: c.State}
	man := manifest{
		FormatVersion: FormatVersion,
		Version:       version.String(),
		Kind:          c.Kind,
		Progress:      c.Progress,
		Tensors:       map[string]tensorInfo{},
		Files:         map[string]fileInfo{},
		Config:        c.Config,
	}
	contents := map[string][]byte{}
	for _, name := range []string{ModelFile, TrainerFile} {
		var buf bytes.Buffer
		meta := map[string]string{"format_version": fmt.Sprint(FormatVersion), "kind": c.Kind}
		if err := EncodeSafetensors(&buf, files[name], meta); err != nil {
			return "", fmt.Errorf("checkpoint: %s: %w", name, err)
		}
		sum := sha256.Sum256(buf.Bytes())
		man.Files[name] = fileInfo{SHA256: hex.EncodeToString(sum[:]), Bytes: int64(buf.Len())}
		contents[name] = buf.Bytes()
	}
	for _, t := range c.Model {
		info, _ := infoOf(t.T.Dtype())
		man.Tensors[t.Name] = tensorInfo{Dtype: info.name, Shape: shapeOf(t.T)}
	}
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return "", fmt.Errorf("checkpoint: encoding %s: %w", ConfigFile, err)
	}
	contents[ConfigFile] = append(mj, '\n')

	name := c.Progress.Name()
	tmp := filepath.Join(root, ".tmp-"+name)
	if err := os.RemoveAll(tmp); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := writeFiles(tmp, contents, func(path string, data []byte) error {
		err := writeSynced(path, data)
		pause()
		return err
	}); err != nil {
		return "", err
	}
	// A checkpoint of the same progress may exist (a resumed run reached
	// the same point again).
	final := filepath.Join(root, name)
	if err := replaceDir(tmp, final); err != nil {
		return "", err
	}
	pause()
	if err := writeFileAtomic(filepath.Join(root, LatestFile), []byte(name+"\n")); err != nil {
		return "", err
	}
	pause()
	if keep > 0 {
		if err := prune(root, keep, name); err != nil {
			return "", err
		}
	}
	return final, nil
}

// replaceDir renames the directory tmp to final. A directory already at
// final is moved aside first, since rename cannot replace a directory that
// is not empty, and removed once tmp is in its place.
func replaceDir(tmp, final string) error {
	if _, err := os.Stat(final); err == nil {
		old := filepath.Join(filepath.Dir(final), ".old-"+filepath.Base(final))
		if err := os.RemoveAll(old); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		if err := os.Rename(final, old); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		defer os.RemoveAll(old)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// writeFiles writes a checkpoint's files into the temporary directory tmp
// with write and syncs it. When a write fails (a full disk, say) it
// removes tmp, so that the space it took is free again, and the error says
// how much space the checkpoint needs.
func writeFiles(tmp string, contents map[string][]byte, write func(path string, data []byte) error) error {
	err := func() error {
		for _, f := range []string{ModelFile, TrainerFile, ConfigFile} {
			b, ok := contents[f]
			if !ok {
				continue // a model-only checkpoint has no trainer file
			}
			if err := write(filepath.Join(tmp, f), b); err != nil {
				return err
			}
		}
		return syncDir(tmp)
	}()
	if err == nil {
		return nil
	}
	total := 0
	for _, b := range contents {
		total += len(b)
	}
	if rerr := os.RemoveAll(tmp); rerr != nil {
		return fmt.Errorf("%w (the checkpoint needs %d bytes; removing %s also failed: %v)", err, total, tmp, rerr)
	}
	return fmt.Errorf("%w (the checkpoint needs %d bytes; its partial files were removed)", err, total)
}
