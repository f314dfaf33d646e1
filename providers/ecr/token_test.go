package ecr

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

func TestDecodeToken(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
	private, _ := parseHost(testHost)
	public, _ := parseHost(publicHost)
	const secret = "eyJwYXlsb2FkIjoiU0VDUkVUIn0="
	tests := []struct {
		name        string
		target      target
		tok         token
		wantUser    string
		wantExpires time.Time
		wantErr     string
	}{
		{name: "private", target: private, tok: token{encoded: testkit.B64("AWS:" + secret), expiresAt: at(12 * time.Hour),
			proxyEndpoint: "https://123456789012.dkr.ecr.us-west-2.amazonaws.com"}, wantUser: "AWS", wantExpires: now.Add(12 * time.Hour)},
		{name: "password with colons", target: private, tok: token{encoded: testkit.B64("AWS:" + secret + ":x"), expiresAt: at(time.Hour)},
			wantUser: "AWS", wantExpires: now.Add(time.Hour)},
		{name: "public", target: public, tok: token{encoded: testkit.B64("AWS:" + secret), expiresAt: at(time.Hour)}, wantUser: "AWS", wantExpires: now.Add(time.Hour)},
		{name: "no expiresAt assumes ECR's 12 hours", target: private, tok: token{encoded: testkit.B64("AWS:" + secret)}, wantUser: "AWS", wantExpires: now.Add(12 * time.Hour)},
		{name: "not base64", target: private, tok: token{encoded: "%%%" + secret}, wantErr: "not base64"},
		{name: "no colon", target: private, tok: token{encoded: testkit.B64(secret)}, wantErr: "not base64 of <user>:<password>"},
		{name: "empty password", target: private, tok: token{encoded: testkit.B64("AWS:")}, wantErr: "not base64 of <user>:<password>"},
		{name: "already expired", target: private, tok: token{encoded: testkit.B64("AWS:" + secret), expiresAt: at(-time.Minute)}, wantErr: "expired"},
		{name: "token for another region", target: private, tok: token{encoded: testkit.B64("AWS:" + secret), expiresAt: at(time.Hour),
			proxyEndpoint: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}, wantErr: "this registry is in us-west-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &Provider{deps: netdeps.Deps{Deps: providers.Deps{Now: func() time.Time { return now }}}}
			cred, err := p.credential(tt.target, tt.target.region, tt.tok)
			if tt.wantErr != "" {
				testkit.WantErr(t, err, providers.ErrInvalid, tt.wantErr, tt.target.host)
				testkit.AssertNoSecret(t, "error", err.Error(), secret, tt.tok.encoded)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantUser, cred.Username)
			assert.True(t, strings.HasPrefix(cred.Secret.Reveal(), secret), "secret %q, want %q…", cred.Secret.Reveal(), secret)
			assert.True(t, cred.ExpiresAt.Equal(tt.wantExpires), "expiring %s, want %s", cred.ExpiresAt, tt.wantExpires)
		})
	}
}
