package credhelper

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// readOptional reads path; a missing file is empty, not an error.
func readOptional(path string) ([]byte, fs.FileMode, bool, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, 0, false, err
	}
	return data, info.Mode().Perm(), true, nil
}

// writeFileAtomic replaces path with data so that a reader sees the old
// file or the new one, never a mix: a temp file in the same directory,
// synced, then renamed over. A symlink is followed, so the link stays and
// its target is replaced. Missing directories are created private.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	if target, err := filepath.EvalSymlinks(path); err == nil {
		path = target
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".regcred-*")
	if err != nil {
		return fmt.Errorf("writing next to %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("setting the mode of %s: %w", tmp.Name(), err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	done = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // make the rename durable where the platform can
		d.Close()
	}
	return nil
}

// backupFile copies an existing file to <path>.<time>.bak (mode kept) and
// returns the backup's path; "" when there was nothing to back up.
func backupFile(path string, now time.Time) (string, error) {
	data, mode, exists, err := readOptional(path)
	if err != nil || !exists {
		return "", err
	}
	bak := path + "." + now.UTC().Format("20060102T150405Z") + ".bak"
	if err := writeFileAtomic(bak, data, mode); err != nil {
		return "", fmt.Errorf("backing up %s: %w", path, err)
	}
	return bak, nil
}
