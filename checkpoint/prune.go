package checkpoint

import (
	"fmt"
	"os"
	"path/filepath"
)

// prune removes all but the newest keep checkpoints under root, never
// latest, the one just written: a run resumed from an earlier checkpoint
// writes ones that sort before those it left behind.
func prune(root string, keep int, latest string) error {
	names, err := List(filepath.Dir(root))
	if err != nil {
		return err
	}
	for i := 0; i < len(names)-keep; i++ {
		if names[i] == latest {
			continue
		}
		if err := os.RemoveAll(filepath.Join(root, names[i])); err != nil {
			return fmt.Errorf("checkpoint: removing old checkpoint: %w", err)
		}
	}
	return nil
}
