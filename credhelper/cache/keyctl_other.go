//go:build !linux

package cache

// SystemKeyctl is nil here: only Linux has persistent keyrings.
func SystemKeyctl() Keyctl { return nil }

func keyAbsent(error) bool { return false }

func keyExists(error) bool { return false }

func keyctlReason(error) string { return "the kernel key calls failed" }
