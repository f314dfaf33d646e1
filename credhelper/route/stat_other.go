//go:build !unix

package route

import "io/fs"

// fileStat has no inode or change time to offer here; size and
// modification time must do.
func fileStat(fs.FileInfo, bool) string { return "-" }
