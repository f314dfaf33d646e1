package ocitest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// APIKeyConfig makes an API key registered in keys (nil: a key no fake
// trusts) and writes it with profiles to an OCI config file in a
// temporary directory of the test. It returns the key and the file's path.
func APIKeyConfig(t testing.TB, keys *Keys, profiles ...Profile) (*APIKey, string) {
	t.Helper()
	key, err := NewAPIKey(keys)
	require.NoError(t, err)
	path, err := key.WriteConfig(t.TempDir(), profiles...)
	require.NoError(t, err)
	return key, path
}
