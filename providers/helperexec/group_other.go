//go:build !unix

package helperexec

import "os/exec"

// setGroup leaves the default: cancellation kills the helper itself.
func setGroup(*exec.Cmd) {}
