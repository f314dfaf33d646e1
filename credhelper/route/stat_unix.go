//go:build unix

package route

import (
	"io/fs"
	"strconv"
	"syscall"
)

// fileStat is the file's device and inode, so a file replaced by another of
// the same size and time still reads as changed.
func fileStat(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "-"
	}
	return strconv.FormatUint(uint64(st.Dev), 10) + ":" + strconv.FormatUint(uint64(st.Ino), 10)
}
