package cache

// Keyctl is the kernel key-management calls the sealed store makes
// (keyrings(7)), as a seam: the real one is KernelKeyctl (Linux), tests put
// one in front of it that returns injected errors. Errors are the kernel's
// errno values (unix.Errno), so callers can tell a refused call (EPERM,
// ENOSYS under a seccomp filter) from a full quota (EDQUOT) or a missing
// key (ENOKEY).
//
// The calls of one lookup must run on one OS thread: the process keyring
// the persistent keyring is linked into lives in the calling thread's
// credentials, and only a thread that possesses the persistent keyring may
// search it.
type Keyctl interface {
	// Persistent is keyctl_get_persistent(-1, KEY_SPEC_PROCESS_KEYRING):
	// the calling user's persistent keyring, created if need be, linked
	// into the process keyring (so possessed), its expiry timer reset.
	Persistent() (ring int, err error)
	// Search finds the user key named description in ring.
	Search(ring int, description string) (id int, err error)
	// Read is the key's payload.
	Read(id int) ([]byte, error)
	// Add creates the user key named description in ring only if ring
	// holds none (EEXIST otherwise), atomically: two processes making the
	// first key at once must not each seal under a key the other replaces.
	Add(ring int, description string, payload []byte) (id int, err error)
}
