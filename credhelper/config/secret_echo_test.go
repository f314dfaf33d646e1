package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/configcanary"
)

// TestConfigErrorsNeverEchoASecret gives every setting a value that fails
// validation and holds a secret-looking canary: the error names the
// setting and says what is wrong, and never repeats the canary.
func TestConfigErrorsNeverEchoASecret(t *testing.T) {
	for _, tc := range configcanary.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			src := tc.Config()
			_, err := Parse("cfg.yaml", []byte(src))
			require.ErrorIs(t, err, ErrConfig, "Parse(%q) = %v, want ErrConfig", src, err)
			assert.False(t, configcanary.Leaks(err.Error()), "the error echoes the value:\n%s", err)
			assert.Contains(t, err.Error(), tc.Want, "the error does not say %q:\n%s", tc.Want, err)
		})
	}
}
