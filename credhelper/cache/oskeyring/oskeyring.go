package oskeyring

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/zalando/go-keyring"
)

// System is the OS keyring, in the shape of cache.Keyring. A missing item
// is an error wrapping fs.ErrNotExist, so the cache can tell it from a
// keyring failure without importing go-keyring.
type System struct{}

// Get returns the item's secret.
func (System) Get(service, user string) (string, error) {
	v, err := keyring.Get(service, user)
	return v, translate(err)
}

// Set creates or replaces the item.
func (System) Set(service, user, secret string) error { return keyring.Set(service, user, secret) }

// Delete removes the item.
func (System) Delete(service, user string) error { return translate(keyring.Delete(service, user)) }

// UseBus names the session bus the cache found. go-keyring asks godbus for
// "the" session bus, and godbus reads only DBUS_SESSION_BUS_ADDRESS and
// /run/user/<uid>: a bus found under $XDG_RUNTIME_DIR must be named there or
// godbus would launch a daemon of its own.
func (System) UseBus(address string) error {
	if err := os.Setenv("DBUS_SESSION_BUS_ADDRESS", address); err != nil {
		return fmt.Errorf("naming the session bus: %w", err)
	}
	return nil
}

func translate(err error) error {
	if errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	}
	return err
}
