package checkpoint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockExcludesASecondHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	unlock, ok, err := TryLock(path)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if _, ok2, err := TryLock(path); err != nil || ok2 {
		t.Fatalf("second lock: %v, %v; want refused", ok2, err)
	}
	unlock()
	unlock2, ok, err := TryLock(path)
	if err != nil || !ok {
		t.Fatalf("lock after unlock: %v, %v", ok, err)
	}
	unlock2()
}

// TestLockRunNamesTheHolder: a second lock on a run directory fails with a
// message naming the holder's PID and host; after release it succeeds.
func TestLockRunNamesTheHolder(t *testing.T) {
	dir := t.TempDir()
	release, err := LockRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	_, err = LockRun(dir)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("PID %d", os.Getpid())) || !strings.Contains(err.Error(), host) || !strings.Contains(err.Error(), dir) {
		t.Errorf("second lock: %v", err)
	}
	release()
	again, err := LockRun(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
	if _, err := os.Stat(filepath.Join(dir, RunLockFile)); err != nil {
		t.Errorf("the lock file is gone: %v", err)
	}
}
