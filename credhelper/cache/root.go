package cache

import (
	"errors"
	"io/fs"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ErrUntrustedRoot: the cache directory, or a directory above it, fails
// the ownership and mode checks (see OpenRoot). Nothing in it is used:
// not read, not written, not chmod'ed, not swept.
var ErrUntrustedRoot = errors.New("cache directory not safe to use")

// UntrustedRootHint is what to tell a user whose cache directory was
// refused.
const UntrustedRootHint = "make the directory yours and closed to others (chown, chmod go-w), its parents owned by you or root and not open to others without the sticky bit, or set cache.dir to a private directory"

// tempPrefix starts every temporary file the cache writes; sweeps remove
// leftovers by this prefix and nothing else.
const tempPrefix = ".tmp-"

// Subdirectories of a root, one per kind of file.
const (
	tokensDir = "tokens"
	indexDir  = "keyring-index"
	locksDir  = "locks"
)

// staleTemp is how old a temporary file must be before it is taken for the
// leftover of a writer that died between write and rename; a live writer
// renames within milliseconds. File times come from the real clock.
const staleTemp = time.Minute

// isTempName accepts exactly the temporary names tempName makes.
func isTempName(n string) bool {
	rest, ok := strings.CutPrefix(n, tempPrefix)
	return ok && len(rest) == 16 && isHex(rest)
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// entryStat is what sweeps and presence checks need of a directory entry.
type entryStat struct {
	regular bool
	modTime time.Time
}

// fileLock is an open lock file: Lock blocks until it is held, Close
// releases it.
type fileLock interface {
	Lock() error
	Close() error
}

// Root is a cache directory opened once and used by handle: after
// OpenRoot has checked the directory and every directory above it, every
// file below it is created, renamed, read and removed relative to the
// open directory (on unix; see trust_other.go for Windows), so swapping a
// path component afterwards changes nothing this process does.
//
// Its descriptors are closed when the Root becomes unreachable; every
// method that uses one keeps the Root alive until it returns (a descriptor
// closed mid-call could be reused by another open, and the call would act
// on that file instead).
type Root struct {
	path string
	uid  int
	h    *handles
}

type handles struct {
	mu   sync.Mutex
	dir  *dirHandle
	subs map[string]dirHandle
	// missing remembers that the directory did not exist when looked for
	// without creating it, so reads do not walk the path again; the first
	// write walks it and creates it.
	missing error
}

func (h *handles) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for name, s := range h.subs {
		s.close()
		delete(h.subs, name)
	}
	if h.dir != nil {
		h.dir.close()
		h.dir = nil
	}
}

// OpenRoot opens the cache directory at path (absolute). One that does not
// exist yet is no error: the first write creates it 0700, with any missing
// parents. One that exists and fails the checks is: errors.Is(err,
// ErrUntrustedRoot). The checks follow OpenSSH's StrictModes: the
// directory belongs to this user and no one else may write to it; every
// directory above it belongs to root or this user and, if others may
// write to it, has the sticky bit; the directory itself is not a symlink.
func OpenRoot(path string) (*Root, error) {
	r := &Root{path: filepath.Clean(path), uid: currentUID(), h: &handles{subs: map[string]dirHandle{}}}
	runtime.AddCleanup(r, (*handles).closeAll, r.h)
	if _, err := r.dir(false); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return r, nil
}

// Path is the directory's path, for messages and records.
func (r *Root) Path() string { return r.path }

func (r *Root) dir(create bool) (dirHandle, error) {
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	if r.h.dir != nil {
		return *r.h.dir, nil
	}
	if r.h.missing != nil && !create {
		return dirHandle{}, r.h.missing
	}
	d, err := openRootDir(r.path, r.uid, create)
	if errors.Is(err, fs.ErrNotExist) && !create {
		r.h.missing = err
	}
	if err != nil {
		return dirHandle{}, err
	}
	r.h.dir, r.h.missing = &d, nil
	return d, nil
}

func (r *Root) sub(name string, create bool) (dirHandle, error) {
	d, err := r.dir(create)
	if err != nil {
		return dirHandle{}, err
	}
	r.h.mu.Lock()
	defer r.h.mu.Unlock()
	if s, ok := r.h.subs[name]; ok {
		return s, nil
	}
	s, err := d.openSub(name, r.uid, create)
	if err != nil {
		return dirHandle{}, err
	}
	r.h.subs[name] = s
	return s, nil
}

// ReadFile reads sub/name: a regular file of this user's, closed to
// others, not a symlink, at most a record's size. A missing one (or a
// missing directory) is an error wrapping fs.ErrNotExist.
func (r *Root) ReadFile(sub, name string) ([]byte, error) {
	return r.readFileAs(sub, name, r.uid)
}

// readFileAs is ReadFile trusting uid's files (in-package tests play
// another user with it).
func (r *Root) readFileAs(sub, name string, uid int) ([]byte, error) {
	defer runtime.KeepAlive(r) // its cleanup closes the descriptors used below
	d, err := r.sub(sub, false)
	if err != nil {
		return nil, err
	}
	return d.readPrivate(name, uid)
}

// WriteFile replaces sub/name atomically with a 0600 file, creating the
// directories it needs, and first removes temporary files that writers
// which died left behind there (they may hold a secret no record names).
func (r *Root) WriteFile(sub, name string, data []byte) error {
	defer runtime.KeepAlive(r) // its cleanup closes the descriptors used below
	d, err := r.sub(sub, true)
	if err != nil {
		return err
	}
	r.removeStale(d, isTempName, time.Now().Add(-staleTemp))
	return d.writeAtomic(name, data)
}

// Remove deletes sub/name; a missing one is no error.
func (r *Root) Remove(sub, name string) error {
	defer runtime.KeepAlive(r) // its cleanup closes the descriptors used below
	d, err := r.sub(sub, false)
	if err == nil {
		err = d.remove(name)
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// Exists reports whether sub/name exists, without following a symlink.
func (r *Root) Exists(sub, name string) (bool, error) {
	defer runtime.KeepAlive(r) // its cleanup closes the descriptors used below
	d, err := r.sub(sub, false)
	if err == nil {
		_, err = d.stat(name)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// Names lists sub's entries; a missing directory has none.
func (r *Root) Names(sub string) ([]string, error) {
	defer runtime.KeepAlive(r) // its cleanup closes the descriptors used below
	d, err := r.sub(sub, false)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return d.names()
}

// RemoveOld deletes the regular files of sub whose names owned accepts and
// that were last written before before. owned must accept only names the
// cache itself writes: nothing else in the directory is ours to delete.
func (r *Root) RemoveOld(sub string, owned func(name string) bool, before time.Time) {
	defer runtime.KeepAlive(r) // its cleanup closes the descriptors used below
	if d, err := r.sub(sub, false); err == nil {
		r.removeStale(d, owned, before)
	}
}

func (r *Root) removeStale(d dirHandle, owned func(string) bool, before time.Time) {
	names, err := d.names()
	if err != nil {
		return
	}
	for _, n := range names {
		if !owned(n) {
			continue
		}
		if st, err := d.stat(n); err == nil && st.regular && st.modTime.Before(before) {
			_ = d.remove(n)
		}
	}
}

// lock opens sub/name as a lock file, creating both.
func (r *Root) lock(sub, name string) (fileLock, error) {
	defer runtime.KeepAlive(r) // its cleanup closes the descriptors used below
	d, err := r.sub(sub, true)
	if err != nil {
		return nil, err
	}
	return d.lockFile(name)
}

// describe names sub/name for messages.
func (r *Root) describe(sub, name string) string { return filepath.Join(r.path, sub, name) }
