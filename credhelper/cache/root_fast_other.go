//go:build unix && !linux

package cache

// openRootFast: only Linux has openat2; the walk decides elsewhere.
func openRootFast(string, int) (dirHandle, bool, error) { return dirHandle{}, false, nil }
