package cache

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// KernelKeyctl makes the real system calls, through golang.org/x/sys/unix:
// no cgo, no libkeyutils, no D-Bus.
type KernelKeyctl struct{}

// SystemKeyctl is the kernel's key calls where there are any (Linux), else
// nil: no sealed store.
func SystemKeyctl() Keyctl { return KernelKeyctl{} }

func (KernelKeyctl) Persistent() (int, error) {
	return unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0)
}

func (KernelKeyctl) Search(ring int, description string) (int, error) {
	return unix.KeyctlSearch(ring, "user", description, 0)
}

// Read reads a payload of up to sealKeyLen*2 bytes; a longer one is not a
// sealing key (and its length is reported, never its bytes).
func (KernelKeyctl) Read(id int) ([]byte, error) {
	buf := make([]byte, 2*sealKeyLen)
	n, err := unix.KeyctlBuffer(unix.KEYCTL_READ, id, buf, 0)
	if err != nil {
		return nil, err
	}
	if n > len(buf) {
		return nil, fmt.Errorf("%w: the key holds %d bytes, want %d", errBadSealKey, n, sealKeyLen)
	}
	return buf[:n], nil
}

// Add makes the key in this thread's keyring and moves it into ring with
// KEYCTL_MOVE_EXCL (Linux 5.1), which refuses to displace a key of the
// same name: add_key alone would replace another process's new key. On an
// older kernel (no KEYCTL_MOVE) it adds in place, and a race between two
// first writes costs one of them a fetch.
func (KernelKeyctl) Add(ring int, description string, payload []byte) (int, error) {
	id, err := unix.AddKey("user", description, payload, unix.KEY_SPEC_THREAD_KEYRING)
	if err != nil {
		return 0, err
	}
	_, err = unix.KeyctlInt(unix.KEYCTL_MOVE, id, unix.KEY_SPEC_THREAD_KEYRING, ring, unix.KEYCTL_MOVE_EXCL)
	if err == nil {
		return id, nil
	}
	_, _ = unix.KeyctlInt(unix.KEYCTL_INVALIDATE, id, 0, 0, 0) // the copy left in the thread keyring
	if errors.Is(err, unix.EOPNOTSUPP) {
		return unix.AddKey("user", description, payload, ring)
	}
	return 0, err
}

// keyAbsent: the key is not there, or no longer usable (expired, revoked):
// for the sealed store, no key.
func keyAbsent(err error) bool {
	return errors.Is(err, unix.ENOKEY) || errors.Is(err, unix.EKEYEXPIRED) || errors.Is(err, unix.EKEYREVOKED)
}

// keyExists: Add found a key of that name already there.
func keyExists(err error) bool { return errors.Is(err, unix.EEXIST) }

// keyctlReason says in words why a key call failed, for the debug line
// that records a fallback.
func keyctlReason(err error) string {
	switch {
	case errors.Is(err, unix.EPERM), errors.Is(err, unix.EACCES):
		return "the key system calls are refused (a seccomp filter, such as Docker's default profile, or a keyring of another user)"
	case errors.Is(err, unix.ENOSYS):
		return "the kernel has no key management, or a seccomp filter refuses the system calls"
	case errors.Is(err, unix.EOPNOTSUPP):
		return "the kernel has no persistent keyrings (CONFIG_PERSISTENT_KEYRINGS)"
	case errors.Is(err, unix.EDQUOT):
		return "this user's kernel key quota is full (see /proc/key-users and keyrings(7))"
	}
	return "the kernel key calls failed"
}
