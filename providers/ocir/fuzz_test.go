package ocir

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// FuzzTokenAnswer decodes token-endpoint bodies the way fetchToken does
// and checks the credential built from them: the token (or access_token)
// answered as is under the fixed username, with an expiry still ahead;
// failures wrap ErrInvalid and never quote the body.
func FuzzTokenAnswer(f *testing.F) {
	jwt := func(exp int64) string {
		return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(`{"exp":`+strconv.FormatInt(exp, 10)+`}`)) + ".c2ln"
	}
	for _, s := range []string{
		`{"token":"tok-seed-123456","expires_in":300}`,
		`{"access_token":"tok-seed-123456"}`,
		`{"token":"` + jwt(1767323045+600) + `"}`,
		`{"token":"","access_token":"","expires_in":-4}`,
		`{"token":1}`, `[`, ``, `{"token":"tok-seed-123456","expires_in":99}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		now := time.Unix(1767323045, 0)
		var a tokenAnswer
		if json.NewDecoder(strings.NewReader(string(body))).Decode(&a) != nil {
			return // fetchToken answers errNotJSON, which quotes nothing
		}
		const host = "iad.ocir.io"
		cred, err := credential(host, a, now)
		if err != nil {
			require.ErrorIs(t, err, providers.ErrInvalid)
			require.ErrorContains(t, err, host, "the error names the host")
			if a.Token != "" || a.AccessToken != "" {
				require.ErrorContains(t, err, "already expired", "an answer with a live token failed")
			}
			return
		}
		want := a.Token
		if want == "" {
			want = a.AccessToken
		}
		require.Equal(t, Username, cred.Username, "%q answered another user", body)
		// Compared as a bool: the message does not print the token.
		require.True(t, cred.Secret.Reveal() == want, "%q answered user %q and another token", body, cred.Username)
		require.True(t, cred.ExpiresAt.After(now), "%q: credential accepted with expiry %v, not after now %v", body, cred.ExpiresAt, now)
	})
}
