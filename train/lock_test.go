package train

import (
	"strings"
	"testing"

	"github.com/boltzmann-go/boltzmann/checkpoint"
)

// TestLockNewRun checks that a fresh run may start in an empty directory
// and holds its lock, and that a directory holding a run is refused with
// its lock given back.
func TestLockNewRun(t *testing.T) {
	dir := t.TempDir()
	release, err := LockNewRun(dir)
	if err != nil {
		t.Fatalf("empty directory: %v", err)
	}
	if !checkpoint.Held(dir) {
		t.Error("the lock is not held after LockNewRun")
	}
	if _, err := LockNewRun(dir); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second LockNewRun while the first holds the lock: %v, want the lock refused", err)
	}
	if _, err := checkpoint.Save(dir, &checkpoint.Checkpoint{Kind: "test", Config: []byte("{}"), Progress: checkpoint.Progress{Epoch: 1}}, 0); err != nil {
		t.Fatal(err)
	}
	release()
	if _, err := LockNewRun(dir); err == nil || !strings.Contains(err.Error(), "already holds a run") {
		t.Errorf("directory holding a run: %v, want it refused", err)
	}
	if checkpoint.Held(dir) {
		t.Error("the lock is still held after LockNewRun refused the directory")
	}
}
