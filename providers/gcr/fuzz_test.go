package gcr

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// keyFileForms put a secret (%s, JSON-quoted) where each credential type
// keeps one.
var keyFileForms = []string{
	`{"type":"authorized_user","client_id":"cid.apps.googleusercontent.com","client_secret":%s,"refresh_token":"1//refresh-seed"}`,
	`{"type":"authorized_user","client_id":"cid.apps.googleusercontent.com","client_secret":"cs-seed","refresh_token":%s}`,
	`{"type":"service_account","client_email":"sa@p.iam.gserviceaccount.com","private_key_id":"k1","private_key":%s}`,
	`{"type":"impersonated_service_account","service_account_impersonation_url":"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/sa@p.iam.gserviceaccount.com:generateAccessToken","source_credentials":{"type":"authorized_user","client_id":"c","client_secret":%s,"refresh_token":"r"}}`,
	`{"installed":{"client_secret":%s}}`,
}

// FuzzKeyFile reads credentials files built around a fuzzed secret, cut
// and flipped at fuzzed bytes, or raw: no panic; every error wraps
// ErrInvalid, names the file, and never quotes the secret; a whole
// authorized_user file is accepted.
func FuzzKeyFile(f *testing.F) {
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(f, err)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	for i := range keyFileForms {
		f.Add(uint8(i), "s3cret-seed-value", uint16(0xffff), uint16(0), byte(0))
		f.Add(uint8(i), "s3cret\"\\\nseed", uint16(40), uint16(7), byte('"'))
	}
	f.Add(uint8(2), pemKey, uint16(0xffff), uint16(0), byte(0))
	f.Add(uint8(2), pemKey, uint16(0xffff), uint16(200), byte(1))
	dir := f.TempDir()
	p, err := New(Config{}, netdeps.Deps{Deps: providers.Deps{Now: time.Now, LookupEnv: func(string) (string, bool) { return "", false }}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, form uint8, secret string, cut, at uint16, flip byte) {
		if len(secret) < 6 || !utf8.ValidString(secret) {
			return
		}
		tmpl := keyFileForms[int(form)%len(keyFileForms)]
		js, _ := json.Marshal(secret)
		data := []byte(strings.Replace(tmpl, "%s", string(js), 1))
		whole := int(cut) >= len(data) && flip == 0
		if !whole {
			data = data[:min(int(cut), len(data))]
			if len(data) > 0 {
				data[int(at)%len(data)] ^= flip
			}
		}
		path := filepath.Join(dir, "key.json")
		require.NoError(t, os.WriteFile(path, data, 0o600))
		_, err := p.fromFile(context.Background(), path, "credentialsFile", []string{"https://www.googleapis.com/auth/cloud-platform"})
		if err == nil {
			return
		}
		msg := err.Error()
		require.ErrorIs(t, err, providers.ErrInvalid)
		require.Contains(t, msg, path, "the error names the file")
		for _, s := range []string{secret, strings.Trim(string(js), `"`)} {
			for _, line := range strings.Split(s, "\n") {
				quoted := len(line) >= 8 && strings.Contains(msg, line) && !strings.Contains(tmpl+path+" credentialsFile", line) && !strings.HasPrefix(line, "-----")
				require.False(t, quoted, "form %d: error %q quotes the secret", form, msg)
			}
		}
		require.False(t, whole && int(form)%len(keyFileForms) <= 1, "form %d: a whole authorized_user file failed: %v", form, err)
	})
}

// FuzzTokenAnswer checks the credential made of a token endpoint's
// answer: the access token under the fixed username, never already
// expired; failures wrap ErrInvalid and never quote the token.
func FuzzTokenAnswer(f *testing.F) {
	f.Add("ya29.seed-token", int64(3600), "3600", true)
	f.Add("ya29.seed-token", int64(-10), "", false)
	f.Add("ya29.seed-token", int64(0), "-5", true)
	f.Add("", int64(0), "", false)
	f.Fuzz(func(t *testing.T, access string, expiry int64, expiresIn string, inNumber bool) {
		now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		p := &Provider{deps: netdeps.Deps{Deps: providers.Deps{Now: func() time.Time { return now }}}}
		tok := &oauth2.Token{AccessToken: access, TokenType: "Bearer"}
		if expiry != 0 {
			tok.Expiry = now.Add(time.Duration(expiry%(1<<30)) * time.Second)
		}
		if expiresIn != "" {
			var v any = expiresIn
			if n, err := json.Number(expiresIn).Float64(); err == nil && inNumber {
				v = n
			}
			tok = tok.WithExtra(map[string]any{"expires_in": v})
		}
		cred, err := p.credential("service account sa@p", tok)
		if err != nil {
			require.ErrorIs(t, err, providers.ErrInvalid)
			require.False(t, len(access) >= 6 && strings.Contains(err.Error(), access) && !strings.Contains("service account sa@p"+expiresIn, access), "error %q quotes the token", err)
			return
		}
		require.NotEmpty(t, access, "an empty token accepted")
		require.Equal(t, Username, cred.Username, "token %q", access)
		require.Equal(t, access, cred.Secret.Reveal())
		require.True(t, cred.ExpiresAt.After(now), "accepted a token expiring at %v, not after now", cred.ExpiresAt)
	})
}
