package config

import (
	"errors"
	"strings"
	"testing"

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
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("Parse(%q) = %v, want ErrConfig", src, err)
			}
			if configcanary.Leaks(err.Error()) {
				t.Errorf("the error echoes the value:\n%s", err)
			}
			if !strings.Contains(err.Error(), tc.Want) {
				t.Errorf("the error does not say %q:\n%s", tc.Want, err)
			}
		})
	}
}
