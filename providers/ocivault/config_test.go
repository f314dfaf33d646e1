package ocivault

import (
	"errors"
	"testing"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

func TestNewDoesNoIO(t *testing.T) {
	// A config file that does not exist and an endpoint nobody listens on:
	// New must still succeed, since it reads and dials nothing.
	p, err := New(Config{SecretID: testSecretID, ConfigFile: "/nonexistent", Endpoint: "http://127.0.0.1:1"}, netdeps.Deps{})
	if err != nil || p == nil {
		t.Fatalf("New: %v", err)
	}
	if _, err := New(Config{}, netdeps.Deps{}); !errors.Is(err, providers.ErrInvalid) {
		t.Errorf("New accepted an invalid config: %v", err)
	}
}
