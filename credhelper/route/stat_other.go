//go:build !unix

package route

import "io/fs"

// fileStat has no inode to offer here; size and time must do.
func fileStat(fs.FileInfo) string { return "-" }
