package testkit

import "syscall"

// newNetnsAttr starts a process in a new network namespace.
func newNetnsAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
}
