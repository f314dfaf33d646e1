package vault

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

const (
	fuzzVaultToken = "hvs.fuzz-token-Q7w2e9"
	fuzzSecretID   = "fuzz-secret-id-Zx81k"
)

// fuzzStatuses are the answers Vault gives that the client does not retry
// (a retry sleeps, which would starve the fuzzer).
var fuzzStatuses = []int{200, 200, 200, 204, 400, 401, 403, 404, 405, 412, 500}

// answerAll answers every request with one status and body.
type answerAll struct {
	status int
	body   string
}

func (a answerAll) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Body: io.NopCloser(strings.NewReader(a.body)), Header: http.Header{}, Request: r}, nil
}

// fuzzProvider reads secret/app through a transport answering status and
// body; mode 0 is KV v2 with a token, 1 KV v1 with an AppRole login, 2 the
// GCP secrets engine.
func fuzzProvider(t *testing.T, mode int, status int, body string, now time.Time) *Provider {
	cfg := Config{Address: "https://vault.example.com", Path: "secret/app", Auth: Auth{Method: "token"}}
	switch mode {
	case 1:
		cfg.Auth = Auth{Method: "approle", RoleID: "role-1", SecretID: fuzzSecretID}
	case 2:
		cfg = Config{Address: cfg.Address, Engine: "gcp", Roleset: "pull", Auth: cfg.Auth}
	}
	env := map[string]string{"VAULT_TOKEN": fuzzVaultToken}
	p, err := New(cfg, netdeps.Deps{
		Deps: providers.Deps{
			Now:       func() time.Time { return now },
			LookupEnv: testkit.Env(env).Lookup,
			Logger:    slog.New(slog.DiscardHandler),
		},
	})
	require.NoError(t, err)
	base, _ := url.Parse(cfg.Address)
	p.client = &client{http: &http.Client{Transport: answerAll{status, body}}, base: base, address: cfg.Address, timeout: time.Second, logger: p.deps.Logger}
	p.kvLoc = &kvLocation{mount: "secret", rel: "app", version: 2 - mode%2}
	return p
}

// FuzzVaultAnswer builds Vault answers around a fuzzed password (the
// secret field of KV v1 and v2 and the GCP token) with fuzzed errors,
// warnings, lease and ttl, or takes a fuzzed raw body. A 200 with a
// well-formed answer yields exactly that password; every error wraps one
// of the providers errors and never holds the password, the Vault token,
// or the AppRole secret id (unless the fuzzed error text itself carried
// one, which the client cannot know to redact on a read).
func FuzzVaultAnswer(f *testing.F) {
	f.Add(uint8(0), uint8(0), "pw-seed-12345", "", "", int64(0), "", false)
	f.Add(uint8(1), uint8(0), "pw-seed-12345", "", "w", int64(3600), "1h", false)
	f.Add(uint8(1), uint8(0), "pw-seed-12345", "", "", int64(0), "9223372037", false)
	f.Add(uint8(2), uint8(0), "ya29.seed-token", "", "", int64(0), "", false)
	f.Add(uint8(0), uint8(6), "pw", "permission denied", "", int64(0), "", false)
	f.Add(uint8(1), uint8(4), "pw", "invalid secret id "+fuzzSecretID, "", int64(0), "", false)
	f.Add(uint8(0), uint8(7), "pw", "", "", int64(0), "", false)
	f.Add(uint8(0), uint8(10), "pw", "* 1 error occurred:\n\t* boom\n\n", "", int64(0), "", false)
	f.Add(uint8(0), uint8(0), `{"data":{"data":{"password":1}}}`, "", "", int64(0), "", true)
	f.Add(uint8(0), uint8(7), `{"data":{"metadata":{"version":3,"destroyed":true}}}`, "", "", int64(0), "", true)
	f.Fuzz(func(t *testing.T, mode, statusN uint8, secret, errText, warning string, lease int64, ttl string, raw bool) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		m := int(mode) % 3
		status := fuzzStatuses[int(statusN)%len(fuzzStatuses)]
		body := secret
		if !raw {
			body = vaultBody(m, secret, errText, warning, lease, ttl)
		}
		p := fuzzProvider(t, m, status, body, now)
		cred, err := p.Credential(context.Background(), providers.Request{Registry: "reg.example.com"})
		if err != nil {
			checkVaultError(t, err, m, status, secret, errText+warning, raw)
			return
		}
		require.NotEmpty(t, cred.Secret, "mode %d status %d body %q: accepted with an empty secret", m, status, body)
		if !cred.ExpiresAt.IsZero() {
			require.True(t, cred.ExpiresAt.After(now), "mode %d status %d body %q: accepted with expiry %v", m, status, body, cred.ExpiresAt)
		}
		if !raw && utf8.ValidString(secret) {
			require.Equal(t, secret, cred.Secret.Reveal(), "mode %d: answered another secret", m)
		}
	})
}

func vaultBody(mode int, secret, errText, warning string, lease int64, ttl string) string {
	fields := map[string]any{"username": "robot", "password": secret}
	if ttl != "" {
		fields["ttl"] = ttl
	}
	var data any = fields
	switch mode {
	case 0:
		data = map[string]any{"data": fields, "metadata": map[string]any{"version": 1}}
	case 2:
		data = map[string]any{"token": secret, "token_ttl": lease}
	}
	env := map[string]any{"data": data, "lease_duration": lease,
		"auth": map[string]any{"client_token": "hvs.login-token", "lease_duration": lease}}
	if errText != "" {
		env["errors"] = []string{errText}
	}
	if warning != "" {
		env["warnings"] = []string{warning}
	}
	b, _ := json.Marshal(env)
	return string(b)
}

func checkVaultError(t *testing.T, err error, mode, status int, secret, vaultText string, raw bool) {
	t.Helper()
	msg := err.Error()
	kinds := []error{providers.ErrNotFound, providers.ErrDenied, providers.ErrUnavailable, providers.ErrNoIdentity, providers.ErrInvalid}
	require.True(t, slices.ContainsFunc(kinds, func(k error) bool { return errors.Is(err, k) }), "error %q wraps none of the providers errors", msg)
	require.LessOrEqual(t, len(msg), 1000, "error length")
	// What Vault said is shown; a value is a leak only if it came from
	// somewhere else.
	shown := vaultText + " secret/app secret/data/app reg.example.com https://vault.example.com gcp/roleset/pull/token robot"
	leaks := []string{fuzzVaultToken}
	if mode == 1 && status != 200 {
		leaks = append(leaks, fuzzSecretID) // only the login ran
	}
	if !raw {
		leaks = append(leaks, secret)
	}
	for _, s := range leaks {
		if len(s) >= 6 && !strings.Contains(shown, s) {
			require.NotContains(t, msg, s, "mode %d status %d: the error holds a secret", mode, status)
		}
	}
	if mode == 1 && status != 200 {
		require.NotContains(t, msg, fuzzSecretID, "the AppRole secret id reached the error")
	}
	wellFormed := !raw && status == 200 && secret != "" && vaultText == "" && utf8.ValidString(secret)
	require.False(t, wellFormed, "mode %d: a well-formed answer for %q failed: %v", mode, secret, err)
}
