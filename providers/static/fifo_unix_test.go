//go:build unix

package static

import "syscall"

func makeFIFO(p string) error { return syscall.Mkfifo(p, 0o600) }
