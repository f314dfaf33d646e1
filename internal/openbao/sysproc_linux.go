package openbao

import (
	"os"
	"syscall"
)

// sysProcAttr makes the kernel kill the server if the test binary dies
// without stopping it (a test timeout's panic, a SIGKILL).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func terminate() os.Signal { return syscall.SIGTERM }
