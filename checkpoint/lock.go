package checkpoint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// RunLockFile is the lock a training run holds in its directory for its
// whole life, with its holder's PID and host inside.
const RunLockFile = ".run.lock"

// LockRun takes runDir's lock (created with the directory if need be), so
// that no second process trains into it, and records this process as its
// holder. It fails at once, naming the holder, when another process has it;
// the kernel releases it when its holder exits, however it exits.
func LockRun(runDir string) (release func(), err error) {
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	path := filepath.Join(runDir, RunLockFile)
	unlock, ok, err := TryLock(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	if !ok {
		holder := "another process"
		if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) > 0 {
			holder = strings.TrimSpace(string(b))
		}
		return nil, fmt.Errorf("checkpoint: %s is in use by %s: two processes on one run directory would clobber its checkpoints and metrics; wait for it to end or stop it", runDir, holder)
	}
	host, _ := os.Hostname()
	if err := os.WriteFile(path, []byte(fmt.Sprintf("PID %d on %s\n", os.Getpid(), host)), 0o644); err != nil {
		unlock()
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	return unlock, nil
}
