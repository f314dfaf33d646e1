package cache

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// errUntrusted marks a file that exists but that this user did not write
// the way the cache writes: it is ignored and replaced, never read.
var errUntrusted = errors.New("untrusted cache file")

// readTrusted reads a cache file only if it is a regular file (not a
// symlink), owned by uid and closed to group and others. The checks run on
// the opened descriptor, so the file cannot be swapped between check and
// read. A missing file returns an error wrapping fs.ErrNotExist.
func readTrusted(path string, uid int) ([]byte, error) {
	fd, err := openNoFollow(path)
	if err != nil {
		if fi, lerr := os.Lstat(path); lerr == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return nil, fmt.Errorf("%w: %s is a symlink", errUntrusted, path)
		}
		return nil, err
	}
	defer fd.Close()
	regular, err := fd.checkPrivate(uid)
	switch {
	case err != nil && !regular:
		return nil, err
	case !regular:
		return nil, fmt.Errorf("%w: %s is not a regular file", errUntrusted, path)
	case err != nil:
		return nil, fmt.Errorf("%w: %s %w", errUntrusted, path, err)
	}
	data, err := io.ReadAll(io.LimitReader(fd, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRecord {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", errUntrusted, path, maxRecord)
	}
	return data, nil
}

// writeAtomic replaces dir/name with data: a temporary file in the same
// directory, 0600, synced, then renamed over the old one. A reader sees the
// old file or the new one; a crash leaves at most a stray temporary file.
// Renaming also replaces a file that was not ours, without reading it.
func writeAtomic(dir, name string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("creating a file in %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return fmt.Errorf("restricting %s: %w", tmp.Name(), err)
	}
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp.Name(), err)
	}
	path := filepath.Join(dir, name)
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replacing %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// ensurePrivateDir creates dir (0700) and checks that it belongs to uid. A
// directory of ours that is open to others is tightened; one that belongs to
// someone else is refused, since they could swap files in it.
func ensurePrivateDir(dir string, uid int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating cache directory %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("cache directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("cache directory %s is not a directory", dir)
	}
	if err := checkOwner(fi, uid); err != nil {
		return fmt.Errorf("cache directory %s %w", dir, err)
	}
	if checkPrivate(fi, uid) != nil {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("restricting cache directory %s: %w", dir, err)
		}
	}
	return nil
}
