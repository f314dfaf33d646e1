//go:build unix

package route

import (
	"io/fs"
	"strconv"
	"syscall"
)

// fileStat is the file's device, inode and change time: a file replaced by
// another of the same size and time still reads as changed, and so does
// one rewritten in place with its time set back (`cp -p`), since no tool
// can set the change time.
func fileStat(fi fs.FileInfo, withCtime bool) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "-"
	}
	id := strconv.FormatUint(uint64(st.Dev), 10) + ":" + strconv.FormatUint(uint64(st.Ino), 10)
	if withCtime {
		id += ":" + strconv.FormatInt(ctime(st), 10)
	}
	return id
}
