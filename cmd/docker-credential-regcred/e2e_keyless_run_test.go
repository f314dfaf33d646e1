package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keylessCase is one `get` of a keyless entry through the built
// executables: answered for user, or (user "") refused with a message
// that says each of says.
type keylessCase struct {
	name, request string
	env           []string
	user          string
	says          []string
}

// run asks, checks the answer's secret with issued (it must be one a fake
// issued, to the right principal) or the refusal's text, and that neither
// stdout (but the answer itself) nor stderr holds any of secrets.
func (tc keylessCase) run(t *testing.T, env []string, issued func(t *testing.T, secret string), secrets []string) {
	t.Helper()
	res := runBinary(t, testBinary(t), runOpts{Env: append(slices.Clone(env), tc.env...), Stdin: tc.request}, "get")
	stdout := res.Stdout
	if tc.user != "" {
		require.Zero(t, res.Exit, "stdout %s\nstderr %s", res.Stdout, res.Stderr)
		var a dockerAnswer
		require.NoError(t, json.Unmarshal([]byte(res.Stdout), &a))
		assert.Equal(t, tc.user, a.Username)
		issued(t, a.Secret)
		stdout = strings.ReplaceAll(stdout, a.Secret, "[answer]")
	} else {
		require.Equal(t, 1, res.Exit, "stdout %s\nstderr %s", res.Stdout, res.Stderr)
		for _, s := range tc.says {
			assert.Contains(t, res.Stdout, s)
		}
		assert.NotContains(t, res.Stdout, "Trace ID", "a service's trace noise reached the message")
	}
	for _, s := range secrets {
		assert.NotContains(t, stdout, s, "stdout holds a token")
		assert.NotContains(t, res.Stderr, s, "stderr holds a token")
	}
}
