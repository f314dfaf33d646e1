package ocivault

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

func TestNewDoesNoIO(t *testing.T) {
	// A config file that does not exist and an endpoint nobody listens on:
	// New must still succeed, since it reads and dials nothing.
	p, err := New(Config{SecretID: testSecretID, ConfigFile: "/nonexistent", Endpoint: "http://127.0.0.1:1"}, netdeps.Deps{})
	require.NoError(t, err)
	require.NotNil(t, p)
	_, err = New(Config{}, netdeps.Deps{})
	assert.ErrorIs(t, err, providers.ErrInvalid, "New accepted an invalid config")
}
