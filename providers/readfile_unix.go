//go:build unix

package providers

import "syscall"

const openNonBlock = syscall.O_NONBLOCK
