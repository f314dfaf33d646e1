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
			target = dir + string(filepath.Separator) + target
		}
		p = physicalDir(target)
	}
	return "", fmt.Errorf("%s: more than %d symlinks", path, maxLinks)
}

// physicalDir resolves the symlinks of p's directory, so that a ".." in
// p is taken as the kernel takes it, from the real directory before it,
// not lexically (filepath.Clean). A directory that does not exist yet has
// no symlinks to resolve; p is then only cleaned.
func physicalDir(p string) string {
	i := len(p) - 1
	for i > 0 && !os.IsPathSeparator(p[i]) {
		i--
	}
	dir, base := p[:i], p[i+1:]
	if dir == "" || dir == filepath.VolumeName(p) {
		return filepath.Clean(p)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return filepath.Clean(p)
	}
	return filepath.Join(real, base)
}
