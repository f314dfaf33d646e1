//go:build !unix

package gcr

import "os/exec"

// setProcessGroup leaves the default: cancellation kills gcloud itself.
func setProcessGroup(*exec.Cmd) {}
