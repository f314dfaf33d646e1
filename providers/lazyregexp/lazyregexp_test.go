package lazyregexp

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCompilesOnceOnFirstUse(t *testing.T) {
	re := New(`^a+$`)
	first := re()
	require.True(t, first.MatchString("aaa"), "%v does not match as written", first)
	require.False(t, first.MatchString("b"), "%v does not match as written", first)
	assert.Same(t, first, re(), "a second call compiled the expression again")
}
