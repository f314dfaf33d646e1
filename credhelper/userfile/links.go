package userfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// maxLinks bounds a symlink chain, as the kernel does.
const maxLinks = 40

// resolveLinks follows path's symlinks to the file they name, even when it
// does not exist yet (a dangling link to a dotfile repository): the link
// stays and its target is written, as docker's CLI does.
func resolveLinks(path string) (string, error) {
	p := path
	for range maxLinks {
		info, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", fmt.Errorf("looking at %s: %w", p, err)
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("reading the link %s: %w", p, err)
		}
		if !filepath.IsAbs(target) {
			// The kernel resolves ".." in target from the link's real
			// directory, not from the path that reached it.
			dir, err := filepath.EvalSymlinks(filepath.Dir(p))
			if err != nil {
				return "", fmt.Errorf("resolving the link %s: %w", p, err)
			}
			target = filepath.Join(dir, target)
		}
		p = target
	}
	return "", fmt.Errorf("%s: more than %d symlinks", path, maxLinks)
}
