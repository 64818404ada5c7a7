package checkpoint

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Export writes the model of the checkpoint at src (see [Resolve]) to the
// directory dst as a model-only checkpoint: model.safetensors, byte for
// byte the checkpoint's, and a config.json that records it alone. It is
// what a trained model is shipped as (the pretrained models under
// experiments/*/models): [Load] and everything built on it read it like
// any checkpoint, with ModelOnly set and no trainer state, so it can be
// evaluated and used but not resumed.
//
// dst is written to a temporary directory beside it, each file fsynced,
// then renamed into place. An earlier export at dst is replaced, and what
// stood beside its model is kept; anything else there (a file, a symbolic
// link, a run, a checkpoint with its trainer state, other files) is
// refused, and nothing is changed.
func Export(src, dst string) error {
	// The model file is written as it was read and verified (checksums and
	// shapes, the trainer's file too), before anything is written.
	_, man, model, err := load(src)
	if err != nil {
		return err
	}
	delete(man.Files, TrainerFile)
	mj, err := json.MarshalIndent(man, "", "  ")
	if err != nil {
		return fmt.Errorf("checkpoint: encoding %s: %w", ConfigFile, err)
	}
	keep, err := checkExportDestination(dst)
	if err != nil {
		return err
	}
	dst = filepath.Clean(dst)
	parent := filepath.Dir(dst)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	tmp := filepath.Join(parent, ".tmp-"+filepath.Base(dst))
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := writeFiles(tmp, map[string][]byte{ModelFile: model, ConfigFile: append(mj, '\n')}, writeSynced); err != nil {
		return err
	}
	// What stood beside the earlier export's model (its eval report, say)
	// moves into the new one before the swap: a crash in between leaves
	// it in the temporary directory, never deleted.
	for _, name := range keep {
		if err := os.Rename(filepath.Join(dst, name), filepath.Join(tmp, name)); err != nil {
			return fmt.Errorf("checkpoint: export: keeping %s: %w", name, err)
		}
	}
	if err := replaceDir(tmp, dst); err != nil {
		for _, name := range keep {
			_ = os.Rename(filepath.Join(tmp, name), filepath.Join(dst, name))
		}
		return err
	}
	return syncDir(parent)
}
