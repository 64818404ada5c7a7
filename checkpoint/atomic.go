package checkpoint

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// WriteFileAtomic replaces path with data so that a reader, or a crash,
// sees either the old content or the new, never a mix: it writes a
// temporary file beside path, fsyncs it, renames it over path and fsyncs the
// directory. The file gets the usual mode, 0644 as the umask allows (not
// the 0600 of os.CreateTemp), so that a colleague can read a shared run.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := createTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if err := fillAndClose(f, data); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return syncDir(dir)
}

// createTemp creates a new file dir/prefix+random with mode 0644 (less the
// umask). The name's randomness only avoids collisions; nothing computed
// depends on it.
func createTemp(dir, prefix string) (*os.File, error) {
	for range 100 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(b[:])), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s", dir)
}

// writeSynced creates path, which must not exist, with data, fsynced.
func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return fillAndClose(f, data)
}

// fillAndClose writes data to f, fsyncs and closes it.
func fillAndClose(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("checkpoint: writing %s: %w", f.Name(), err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("checkpoint: syncing directory %s: %w", dir, err)
	}
	return nil
}

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
