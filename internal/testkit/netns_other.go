//go:build !linux

package testkit

import "syscall"

// newNetnsAttr is never reached off Linux: netnsBlocker skips first.
func newNetnsAttr() *syscall.SysProcAttr { return nil }
