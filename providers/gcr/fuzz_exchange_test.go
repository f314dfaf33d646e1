package gcr

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// FuzzSTSAnswer reads fuzzed token-exchange answers, raw and as JSON
// built around a fuzzed token: no panic; an accepted answer is the token,
// Bearer, expiring after now and within a day; a refused one wraps
// ErrInvalid and never quotes the token.
func FuzzSTSAnswer(f *testing.F) {
	f.Add([]byte(`{"access_token":"ya29.seed","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":3599}`), "ya29.seed", int64(3599), "Bearer", true)
	f.Add([]byte(`{"access_token":"x","expires_in":"3599"}`), "ya29.seed", int64(0), "", false)
	f.Add([]byte(`{"error":"invalid_grant"}`), "", int64(-1), "mac", true)
	f.Add([]byte(`not json`), "tok\nen", int64(1<<40), "bearer", true)
	f.Fuzz(func(t *testing.T, raw []byte, token string, expiresIn int64, tokenType string, built bool) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		if built {
			m := map[string]any{"access_token": token, "issued_token_type": accessTokenType, "expires_in": expiresIn}
			if tokenType != "" {
				m["token_type"] = tokenType
			}
			var err error
			raw, err = json.Marshal(m)
			require.NoError(t, err)
		}
		tok, err := parseSTSAnswer(raw, now)
		if err != nil {
			require.ErrorIs(t, err, providers.ErrInvalid)
			require.False(t, len(token) >= 6 && strings.Contains(err.Error(), token) && !strings.Contains(tokenType, token), "error %q quotes the token", err)
			return
		}
		require.NotEmpty(t, tok.AccessToken)
		require.Equal(t, "Bearer", tok.TokenType)
		if built && utf8.ValidString(token) {
			require.Equal(t, token, tok.AccessToken)
		}
		if !tok.Expiry.IsZero() {
			require.True(t, tok.Expiry.After(now) && !tok.Expiry.After(now.Add(24*time.Hour)), "expiry %v", tok.Expiry)
		}
	})
}

// FuzzConfigHelperAnswer reads fuzzed `gcloud config config-helper`
// answers: no panic; an accepted one has a token; a refused one never
// quotes it.
func FuzzConfigHelperAnswer(f *testing.F) {
	f.Add([]byte(`{"configuration":{"active_configuration":"default","properties":{"core":{"account":"dev@example.com"}}},"credential":{"access_token":"ya29.seed","token_expiry":"2026-01-02T04:04:05Z"}}`), "ya29.seed", "2026-01-02T04:04:05Z", true)
	f.Add([]byte(`{"credential":{}}`), "", "soon", false)
	f.Add([]byte(`[]`), "ya29.x", "", true)
	f.Fuzz(func(t *testing.T, raw []byte, token, expiry string, built bool) {
		if built {
			var err error
			raw, err = json.Marshal(map[string]any{"credential": map[string]any{"access_token": token, "token_expiry": expiry}})
			require.NoError(t, err)
		}
		ans, err := parseConfigHelper(raw)
		if err != nil {
			require.True(t, errorsIsAny(err, providers.ErrInvalid, providers.ErrNoIdentity), "error %v wraps neither ErrInvalid nor ErrNoIdentity", err)
			require.False(t, len(strings.TrimSpace(token)) >= 6 && strings.Contains(err.Error(), strings.TrimSpace(token)), "error %q quotes the token", err)
			return
		}
		require.NotEmpty(t, ans.token.AccessToken)
		if built && utf8.ValidString(token) {
			require.Equal(t, strings.TrimSpace(token), ans.token.AccessToken)
		}
	})
}

func errorsIsAny(err error, targets ...error) bool {
	for _, t := range targets {
		if errors.Is(err, t) {
			return true
		}
	}
	return false
}
