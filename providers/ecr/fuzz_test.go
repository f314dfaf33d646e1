package ecr

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// FuzzTokenDecode feeds GetAuthorizationToken answers: a fuzzed password
// wrapped the way ECR wraps it, or a fuzzed raw token; a fuzzed proxy
// endpoint and expiry. A wrapped non-empty password decodes to user AWS
// and exactly that password; every failure wraps ErrInvalid and quotes
// neither the token nor the password.
func FuzzTokenDecode(f *testing.F) {
	f.Add("pw-seed-abcdef", false, "https://"+testHost, int64(3600))
	f.Add("pw:with:colons==", false, "", int64(-5))
	f.Add("QVdTOnNlY3JldA==", true, "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", int64(0))
	f.Add("AWS:", true, "garbage", int64(60))
	f.Add("", false, "", int64(60))
	f.Fuzz(func(t *testing.T, secret string, raw bool, proxy string, expiresIn int64) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		p, err := New(Config{}, netdeps.Deps{Deps: providers.Deps{Now: func() time.Time { return now }}})
		require.NoError(t, err)
		tgt, err := parseHost(testHost)
		require.NoError(t, err)
		tok := token{encoded: secret, proxyEndpoint: proxy}
		if !raw {
			tok.encoded = base64.StdEncoding.EncodeToString([]byte("AWS:" + secret))
		}
		if expiresIn != 0 {
			exp := now.Add(time.Duration(expiresIn%(1<<30)) * time.Second)
			tok.expiresAt = &exp
		}
		cred, err := p.credential(tgt, "us-west-2", tok)
		if err != nil {
			require.ErrorIs(t, err, providers.ErrInvalid)
			for _, s := range []string{tok.encoded, secret} {
				if len(s) >= 6 && !strings.Contains(testHost+proxy, s) {
					require.NotContains(t, err.Error(), s, "the error quotes the token")
				}
			}
			wellFormed := !raw && secret != "" && (tok.expiresAt == nil || tok.expiresAt.After(now)) && !strings.Contains(proxy, ".dkr.ecr.")
			require.False(t, wellFormed, "a well-formed token for %q failed: %v", secret, err)
			return
		}
		require.NotEmpty(t, cred.Username, "accepted token gave no user")
		require.NotEmpty(t, cred.Secret, "accepted token gave an empty secret")
		require.True(t, cred.ExpiresAt.After(now), "accepted token expires at %v, not after now %v", cred.ExpiresAt, now)
		if !raw {
			require.Equal(t, "AWS", cred.Username, "AWS:%q decoded to another user", secret)
			require.Equal(t, secret, cred.Secret.Reveal(), "AWS:%q decoded to another secret", secret)
		}
		dec, _ := base64.StdEncoding.DecodeString(tok.encoded)
		require.Equal(t, string(dec), cred.Username+":"+cred.Secret.Reveal(), "the decoded token is not user:secret")
	})
}
