package cache

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/regcred/regcred/providers"
)

// SealKeyDescription names the one user key, in the user's persistent
// keyring, that sealed records are sealed under. One key for every record:
// a non-root user has 20,000 bytes of key quota in all (shared with
// Kerberos KEYRING: caches) and one token would take 2–3 KB of it.
const SealKeyDescription = "regcred:seal:v1"

// sealKeyLen is the key's length: AES-256.
const sealKeyLen = 32

// errNoSealKey: the persistent keyring holds no sealing key (never made,
// or gone with a reboot or the keyring's expiry). Nothing sealed before
// can be opened; the next write makes a new key.
var errNoSealKey = errors.New("no sealing key in the persistent keyring")

// errBadSealKey: a key of that name holds something else than a sealing
// key. Records are then absent and writes go to the stores behind.
var errBadSealKey = errors.New("not a sealing key")

// sealKeys finds and makes the sealing key. Every failure of the kernel
// calls wraps providers.ErrUnavailable, with the reason in words.
type sealKeys struct {
	kc   Keyctl
	desc string // SealKeyDescription
	rand io.Reader
}

func newSealKeys(kc Keyctl) *sealKeys {
	return &sealKeys{kc: kc, desc: SealKeyDescription, rand: rand.Reader}
}

// keyctlErr marks a failed kernel call as the store being unavailable.
func keyctlErr(op string, err error) error {
	return fmt.Errorf("%w: kernel keyring: %s: %w; %s", providers.ErrUnavailable, op, err, keyctlReason(err))
}

// probe checks that the persistent keyring can be reached, in one call.
func (s *sealKeys) probe() error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if _, err := s.kc.Persistent(); err != nil {
		return keyctlErr("keyctl_get_persistent", err)
	}
	return nil
}

// load returns the key, errNoSealKey when there is none.
func (s *sealKeys) load() ([]byte, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring, err := s.kc.Persistent()
	if err != nil {
		return nil, keyctlErr("keyctl_get_persistent", err)
	}
	return s.find(ring)
}

func (s *sealKeys) find(ring int) ([]byte, error) {
	id, err := s.kc.Search(ring, s.desc)
	if keyAbsent(err) {
		return nil, errNoSealKey
	}
	if err != nil {
		return nil, keyctlErr("keyctl_search", err)
	}
	k, err := s.kc.Read(id)
	switch {
	case keyAbsent(err):
		return nil, errNoSealKey // gone between the two calls
	case errors.Is(err, errBadSealKey):
		return nil, err
	case err != nil:
		return nil, keyctlErr("keyctl_read", err)
	case len(k) != sealKeyLen:
		return nil, fmt.Errorf("%w: the key holds %d bytes, want %d", errBadSealKey, len(k), sealKeyLen)
	}
	return k, nil
}

// loadOrCreate returns the key, making one of random bytes when there is
// none. Processes racing to make the first key agree on one: Add refuses
// to displace a key, and the loser reads the winner's.
func (s *sealKeys) loadOrCreate(ctx context.Context) ([]byte, error) {
	k, err := s.load()
	switch {
	case errors.Is(err, errBadSealKey):
		// Only this user can have put it there; it is theirs to remove.
		return nil, fmt.Errorf("%w: kernel keyring: the key %s: %w", providers.ErrUnavailable, s.desc, err)
	case !errors.Is(err, errNoSealKey):
		return k, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.create()
}

func (s *sealKeys) create() ([]byte, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	ring, err := s.kc.Persistent()
	if err != nil {
		return nil, keyctlErr("keyctl_get_persistent", err)
	}
	k := make([]byte, sealKeyLen)
	if _, err := io.ReadFull(s.rand, k); err != nil {
		return nil, fmt.Errorf("making a sealing key: %w", err)
	}
	_, err = s.kc.Add(ring, s.desc, k)
	if keyExists(err) {
		return s.find(ring) // another process made it first
	}
	if err != nil {
		return nil, keyctlErr("add_key", err)
	}
	return k, nil
}
