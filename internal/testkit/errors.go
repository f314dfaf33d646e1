package testkit

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// WantErr stops the test when err is nil, and marks it failed when err does
// not wrap target (unless target is nil) or its text lacks any of fragments.
func WantErr(t testing.TB, err, target error, fragments ...string) {
	t.Helper()
	require.Error(t, err, "want an error wrapping %v", target)
	if target != nil {
		assert.ErrorIs(t, err, target)
	}
	for _, f := range fragments {
		assert.ErrorContains(t, err, f)
	}
}
