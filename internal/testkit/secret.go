package testkit

import (
	"github.com/stretchr/testify/assert"
	"strings"
	"testing"
)

// AssertNoSecret marks the test failed when any of secrets appears in text,
// what naming the text in the message ("log", "error", "file name" …). Only
// the first six characters of a secret are printed. Empty secrets are
// skipped, but a call with no non-empty secret at all is itself a failure:
// a leak check that looks for nothing would always pass. It returns whether
// the text was clean.
func AssertNoSecret(t testing.TB, what, text string, secrets ...string) bool {
	t.Helper()
	clean, looked := true, false
	for _, s := range secrets {
		if s == "" {
			continue
		}
		looked = true
		if strings.Contains(text, s) {
			assert.Failf(t, "a secret leaked", "%s contains a secret (%.6s…):\n%s", what, s, text)
			clean = false
		}
	}
	if !looked {
		assert.Failf(t, "nothing looked for", "AssertNoSecret(%s): no secret to look for", what)
		return false
	}
	return clean
}
