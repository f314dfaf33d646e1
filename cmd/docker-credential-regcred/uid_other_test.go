//go:build !unix

package main

import (
	"io/fs"
	"os"
)

// fileUID has no owner to read off a file here (Windows): it says "ours",
// os.Getuid's -1, so the test binaries compile; the owner checks run on Unix.
func fileUID(fs.FileInfo) int { return os.Getuid() }
