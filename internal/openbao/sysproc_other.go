//go:build !linux

package openbao

import (
	"os"
	"syscall"
)

func sysProcAttr() *syscall.SysProcAttr { return nil }

func terminate() os.Signal { return os.Kill }
