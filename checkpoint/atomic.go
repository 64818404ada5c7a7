package checkpoint

import (
	"fmt"

	"github.com/boltzmann-go/boltzmann/internal/atomicfile"
)

// writeFileAtomic replaces path with data atomically (see package
// atomicfile): a reader, or a crash, sees the old content or the new.
func writeFileAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// writeSynced creates path, which must not exist, with data, fsynced.
func writeSynced(path string, data []byte) error {
	if err := atomicfile.WriteNew(path, data); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func syncDir(dir string) error {
	if err := atomicfile.SyncDir(dir); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}
