package checkpoint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Pin keeps the checkpoint named name under runDir as checkpoints/as too,
// by hard links (copies where links fail), out of reach of pruning; an
// older pin of that name is replaced.
func Pin(runDir, name, as string) error {
	root := filepath.Join(runDir, Dir)
	if as == "" || strings.HasPrefix(as, "epoch-") || strings.HasPrefix(as, ".") || strings.ContainsAny(as, `/\`) || as == LatestFile {
		return fmt.Errorf("checkpoint: cannot pin as %q", as)
	}
	tmp := filepath.Join(root, ".pin-"+as)
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	for _, f := range []string{ModelFile, TrainerFile, ConfigFile} {
		src, dst := filepath.Join(root, name, f), filepath.Join(tmp, f)
		if err := os.Link(src, dst); err != nil {
			b, err := os.ReadFile(src)
			if err != nil {
				return fmt.Errorf("checkpoint: %w", err)
			}
			if err := writeSynced(dst, b); err != nil {
				return err
			}
		}
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	final := filepath.Join(root, as)
	if err := os.RemoveAll(final); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return syncDir(root)
}
