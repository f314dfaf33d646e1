//go:build unix

package gcr

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts gcloud (a shell script starting Python) in a process
// group of its own, and makes cancellation kill the whole group: killing
// the script alone would leave Python running with the pipes open.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
