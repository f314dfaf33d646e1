package acr

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// FuzzParseExchange: whatever a registry answers, the parser returns a
// token without spaces or a classified error, never panics, and never
// echoes the access token sent.
func FuzzParseExchange(f *testing.F) {
	f.Add(200, []byte(`{"refresh_token":"eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjF9.c2ln"}`))
	f.Add(200, []byte(`{"refresh_token":""}`))
	f.Add(200, []byte(`{"refresh_token":"a b"}`))
	f.Add(401, []byte(`{"errors":[{"code":"UNAUTHORIZED","message":"no"}]}`))
	f.Add(400, []byte(`{"error":"invalid_request","error_description":"x\ny"}`))
	f.Add(500, []byte("<html>"))
	f.Add(404, []byte{})
	f.Add(401, []byte(`{"errors":[{"code":"X","message":"echo ACCESS-TOKEN-SENT"}]}`))
	const access = "ACCESS-TOKEN-SENT"
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		tok, err := ParseExchange("myreg.azurecr.io", status, body, providers.Secret(access))
		if err != nil {
			require.Empty(t, tok.Reveal(), "a token with an error")
			known := false
			for _, k := range []error{providers.ErrDenied, providers.ErrNotFound, providers.ErrUnavailable, providers.ErrInvalid} {
				known = known || errors.Is(err, k)
			}
			require.True(t, known, "unclassified error: %v", err)
			if strings.Contains(string(body), access) {
				testkit.AssertNoSecret(t, "error", err.Error(), access)
			}
			return
		}
		require.Equal(t, http.StatusOK, status, "accepted %q", tok.Reveal())
		require.NotEmpty(t, tok.Reveal())
		require.False(t, strings.ContainsAny(tok.Reveal(), " \t\r\n"), "accepted %q", tok.Reveal())
	})
}
