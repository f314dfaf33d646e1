package ocivault

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/secrets"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// FuzzSecretContent feeds secret bundles: either {"username","password"}
// built around a fuzzed password, or fuzzed raw content; fuzzed expiry.
// A well-formed live bundle answers exactly its username and password;
// every failure wraps ErrInvalid, names the secret, and quotes neither the
// content nor the password.
func FuzzSecretContent(f *testing.F) {
	f.Add("pw-seed-abcdef", false, false, int64(0))
	f.Add("pw\"\\\n", true, false, int64(-10))
	f.Add(base64.StdEncoding.EncodeToString([]byte(`{"username":"u","password":"p4ssword"}`)), true, true, int64(100))
	f.Add(base64.RawStdEncoding.EncodeToString([]byte(`{"username":1,"password":"p4ssword"}`)), true, true, int64(0))
	f.Add(`eyJ1c2VybmFtZSI6InUifQ`, true, false, int64(0))
	f.Fuzz(func(t *testing.T, secret string, raw, pointer bool, expiresIn int64) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		const what = "secret ocid1.vaultsecret.oc1..fuzz"
		content := secret
		if !raw {
			js, _ := json.Marshal(map[string]string{"username": "robot", "password": secret})
			content = base64.StdEncoding.EncodeToString(js)
		}
		version := int64(3)
		b := secrets.SecretBundle{VersionNumber: &version}
		if pointer {
			b.SecretBundleContent = &secrets.Base64SecretBundleContentDetails{Content: &content}
		} else {
			b.SecretBundleContent = secrets.Base64SecretBundleContentDetails{Content: &content}
		}
		if expiresIn != 0 {
			b.TimeOfExpiry = &common.SDKTime{Time: now.Add(time.Duration(expiresIn%(1<<30)) * time.Second)}
		}
		cred, err := credential(what, b, now)
		if err != nil {
			msg := err.Error()
			require.ErrorIs(t, err, providers.ErrInvalid)
			require.Contains(t, msg, what, "the error names the secret")
			for _, s := range []string{content, secret} {
				if len(s) >= 6 && !strings.Contains(what+" version expired content JSON", s) {
					require.NotContains(t, msg, s, "the error quotes the content")
				}
			}
			wellFormed := !raw && secret != "" && utf8.ValidString(secret) && expiresIn >= 0
			require.False(t, wellFormed, "a well-formed bundle for %q failed: %v", secret, err)
			return
		}
		require.NotEmpty(t, cred.Username, "accepted content gave no user")
		require.NotEmpty(t, cred.Secret, "accepted content gave an empty secret")
		if !cred.ExpiresAt.IsZero() {
			require.True(t, cred.ExpiresAt.After(now), "accepted an expired version: %v", cred.ExpiresAt)
		}
		if !raw {
			require.Equal(t, "robot", cred.Username, "bundle for %q answered another user", secret)
			if utf8.ValidString(secret) {
				require.Equal(t, secret, cred.Secret.Reveal(), "bundle answered another password")
			}
		}
	})
}
