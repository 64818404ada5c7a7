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
	if !Held(dir) {
		t.Error("Held is false while the run lock is taken")
	}
	release()
	if Held(dir) || Held(t.TempDir()) {
		t.Error("Held is true after the release, or without a lock file")
	}
	again, err := LockRun(dir)
	if err != nil {
		t.Fatalf("lock after release: %v", err)
	}
	again()
	if _, err := os.Stat(filepath.Join(dir, RunLockFile)); err != nil {
		t.Errorf("the lock file is gone: %v", err)
	}
}

// TestFailedWriteCleansUp: a checkpoint whose second file fails to write
// leaves no temporary directory behind, and the error says how many bytes
// the checkpoint needs.
func TestFailedWriteCleansUp(t *testing.T) {
	tmp := filepath.Join(t.TempDir(), ".tmp-epoch-000001")
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	contents := map[string][]byte{ModelFile: make([]byte, 100), TrainerFile: make([]byte, 20), ConfigFile: make([]byte, 3)}
	calls := 0
	err := writeFiles(tmp, contents, func(path string, data []byte) error {
		calls++
		if calls == 2 {
			return fmt.Errorf("writing %s: no space left on device", path)
		}
		return os.WriteFile(path, data, 0o644)
	})
	if err == nil || !strings.Contains(err.Error(), "needs 123 bytes") || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("error %v", err)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the temporary directory is still there: %v", err)
	}
	// A write that succeeds leaves the files.
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := writeFiles(tmp, contents, writeSynced); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(tmp, ModelFile)); err != nil || fi.Size() != 100 {
		t.Errorf("model file: %v %v", fi, err)
	}
}

// TestLatestWithoutItsPointer: a run killed after renaming a checkpoint
// into place but before pointing latest at it still resolves, to its
// newest checkpoint.
func TestLatestWithoutItsPointer(t *testing.T) {
	run := t.TempDir()
	for _, name := range []string{"epoch-000001", "epoch-000002"} {
		if err := os.MkdirAll(filepath.Join(run, Dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Latest(run)
	if err != nil || filepath.Base(got) != "epoch-000002" {
		t.Errorf("Latest without checkpoints/latest: %v, %v; want epoch-000002", got, err)
	}
	if _, err := Latest(t.TempDir()); err == nil {
		t.Error("an empty run directory has a latest checkpoint")
	}
}
