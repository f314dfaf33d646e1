package userfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// owner is a file's user and group; known is false where the platform has
// no numeric owners (Windows), and then nothing is chowned.
type owner struct {
	uid, gid int
	known    bool
}

// ownerFor is whom the new file must belong to: the replaced file's owner,
// or for a new file its directory's.
func ownerFor(target string, cur current) (owner, error) {
	if cur.exists {
		return ownerOf(cur.info), nil
	}
	dir := filepath.Dir(target)
	info, err := os.Stat(dir)
	if err != nil {
		return owner{}, fmt.Errorf("looking at %s: %w", dir, err)
	}
	return ownerOf(info), nil
}

// chownFileLike gives the open file f to o: the file this edit created,
// not whatever the name holds now (the directory's owner can replace a
// name in it between create and chown, with a hard link to a file of
// root's, which a chown by name would then give away). Only root (or
// CAP_CHOWN) can give a file away, and only root needs to; a group the
// user may not set is left as the system made it.
func chownFileLike(f *os.File, o owner) error {
	if !o.known {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("looking at %s: %w", f.Name(), err)
	}
	now := ownerOf(info)
	if now == o {
		return nil
	}
	if err := f.Chown(o.uid, o.gid); err != nil {
		if now.uid == o.uid {
			return nil
		}
		return fmt.Errorf("keeping %s owned by uid %d: %w", f.Name(), o.uid, err)
	}
	return nil
}
