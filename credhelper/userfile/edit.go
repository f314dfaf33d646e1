package userfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrContended: the file kept changing under the edit (another writer that
// takes no lock) for every attempt.
var ErrContended = errors.New("the file kept changing while regcred edited it")

// attempts bounds how often an edit starts over on a file another writer
// changed between read and rename.
const attempts = 5

// Options say how new files and directories are made and whether the
// replaced content is backed up.
type Options struct {
	// Mode of a file that does not exist yet (an existing one keeps its own).
	Mode fs.FileMode
	// DirMode of directories that must be created: 0755 for a directory
	// other users' tools read (registries.conf.d), 0700 for a private one.
	DirMode fs.FileMode
	// Backup copies the content being replaced to a new file beside it.
	Backup bool
	// Now names backups; time.Now when nil.
	Now func() time.Time
}

// Change computes the new content from the current one (nil and false when
// the file does not exist). It may run more than once: on each attempt it
// is handed what the file holds then.
type Change func(old []byte, exists bool) ([]byte, error)

// Result says what an edit did.
type Result struct {
	Path    string // the file written: path with symlinks followed
	Changed bool   // false when the content was already what Change returned
	Old     []byte // the content replaced (nil when there was none)
	Backup  string // the backup's path, when one was made
}

// Edit replaces the file at path with what change makes of its content,
// atomically: a reader sees the old file or the new one. See the package
// doc for what it keeps.
func Edit(ctx context.Context, path string, opts Options, change Change) (Result, error) {
	target, err := resolveLinks(path)
	if err != nil {
		return Result{}, err
	}
	dir := filepath.Dir(target)
	if err := mkdirOwned(dir, opts.DirMode); err != nil {
		return Result{}, err
	}
	sweepTemps(dir, filepath.Base(target), time.Now().Add(-staleTemp))
	unlock, err := lockBeside(ctx, target)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	for range attempts {
		res, err := editOnce(target, opts, change)
		if !errors.Is(err, errRaced) {
			return res, err
		}
	}
	return Result{Path: target}, fmt.Errorf("%s: %w; try again", target, ErrContended)
}

// errRaced: the file changed between read and rename.
var errRaced = errors.New("changed under the edit")

func editOnce(target string, opts Options, change Change) (Result, error) {
	cur, err := readCurrent(target)
	if err != nil {
		return Result{}, err
	}
	data, err := change(cur.data, cur.exists)
	if err != nil {
		return Result{}, err
	}
	res := Result{Path: target, Old: cur.data}
	if cur.exists && bytes.Equal(cur.data, data) {
		return res, nil
	}
	owner, err := ownerFor(target, cur)
	if err != nil {
		return Result{}, err
	}
	mode := opts.Mode
	if cur.exists {
		mode = cur.mode
	}
	tmp, err := writeTemp(target, data, mode, owner)
	if err != nil {
		return Result{}, err
	}
	if err := commit(target, tmp, cur, opts, owner, &res); err != nil {
		os.Remove(tmp)
		return Result{}, err
	}
	res.Changed = true
	return res, nil
}

// commit backs up and renames tmp over target, unless target is no longer
// what the edit read.
func commit(target, tmp string, cur current, opts Options, owner owner, res *Result) error {
	again, err := readCurrent(target)
	if err != nil {
		return err
	}
	if again.exists != cur.exists || !bytes.Equal(again.data, cur.data) {
		return errRaced
	}
	if opts.Backup && cur.exists {
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		if res.Backup, err = backup(target, cur, owner, now()); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return fmt.Errorf("replacing %s: %w", target, err)
	}
	syncDir(filepath.Dir(target))
	return nil
}

// current is what the file held when read.
type current struct {
	data   []byte
	exists bool
	mode   fs.FileMode
	info   fs.FileInfo
}

func readCurrent(path string) (current, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return current{}, nil
	}
	if err != nil {
		return current{}, fmt.Errorf("reading %s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return current{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return current{data: data, exists: true, mode: info.Mode().Perm(), info: info}, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // durability of the rename where the platform offers it; it happened either way
		d.Close()
	}
}
