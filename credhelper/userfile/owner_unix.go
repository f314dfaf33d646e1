//go:build unix

package userfile

import (
	"io/fs"
	"syscall"
)

func ownerOf(info fs.FileInfo) owner {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return owner{}
	}
	return owner{uid: int(st.Uid), gid: int(st.Gid), known: true}
}
