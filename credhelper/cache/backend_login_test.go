package cache

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// TestBackendLogins: a login token is reused while fresh (80% of its
// life), handed to obtain for renewal after that, served stale when the
// renewal fails while it is valid, and forgotten by Drop; the none store
// keeps nothing. No secret reaches a file name, a key or the log.
func TestBackendLogins(t *testing.T) {
	id := providers.LoginID{Parts: []string{"vault", "https://vault:8200", "auth/approle", "hash-of-credentials"}, Label: "vault approle login"}
	tests := []struct {
		name       string
		kind       string
		advance    time.Duration // after the first login
		drop       bool
		failObtain bool
		wantReused bool
		wantOld    bool // obtain got the cached token
		wantCalls  int
		wantErr    bool
	}{
		{name: "fresh token reused", kind: KindFile, advance: 30 * time.Minute, wantReused: true, wantCalls: 1},
		{name: "due token renewed", kind: KindFile, advance: 50 * time.Minute, wantOld: true, wantCalls: 2},
		{name: "renewal fails, valid token served", kind: KindFile, advance: 50 * time.Minute, failObtain: true, wantOld: true, wantReused: true, wantCalls: 2},
		{name: "expired token not offered", kind: KindFile, advance: 2 * time.Hour, wantCalls: 2},
		{name: "expired token, login fails", kind: KindFile, advance: 2 * time.Hour, failObtain: true, wantCalls: 2, wantErr: true},
		{name: "dropped token logs in", kind: KindFile, drop: true, wantCalls: 2},
		{name: "none store keeps nothing", kind: KindNone, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := testkit.NewClock(t0)
			logger, log := testkit.DebugLogger()
			dir := t.TempDir()
			c, err := Open(Options{Kind: tt.kind, Dir: dir, Now: clk.Now, Logger: logger})
			require.NoError(t, err)
			ctx, calls := context.Background(), 0
			var gotOld *providers.LoginToken
			obtain := func(_ context.Context, old *providers.LoginToken) (providers.LoginToken, error) {
				calls++
				gotOld = old
				if calls > 1 && tt.failObtain {
					return providers.LoginToken{}, errors.New("vault down")
				}
				return providers.LoginToken{Token: providers.Secret(testSecret), ExpiresAt: clk.Now().Add(time.Hour), Renewable: true}, nil
			}
			l := c.Logins()
			_, reused, err := l.Login(ctx, id, obtain)
			require.NoError(t, err, "first login")
			require.False(t, reused, "first login reused a token")
			clk.Advance(tt.advance)
			if tt.drop {
				l.Drop(ctx, id)
			}
			tok, reused, err := l.Login(ctx, id, obtain)
			if tt.wantErr {
				require.Error(t, err, "second login")
			} else {
				require.NoError(t, err, "second login")
			}
			require.Equal(t, tt.wantReused, reused, "second login reused")
			require.Equal(t, tt.wantCalls, calls, "second login: obtain calls")
			require.Equal(t, tt.wantOld, gotOld != nil, "second login: obtain offered the old token")
			if err == nil {
				assert.Equal(t, testSecret, tok.Token.Reveal(), "wrong token")
			}
			if gotOld != nil {
				assert.Equal(t, testSecret, gotOld.Token.Reveal(), "obtain got %+v", gotOld)
				assert.True(t, gotOld.Renewable, "obtain got %+v", gotOld)
			}
			testkit.AssertNoSecret(t, "the log", log.String(), testSecret)
			assert.NotContains(t, LoginKeyOf(id), "hash-of", "the key shows a secret")
			_ = filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error {
				testkit.AssertNoSecret(t, "file name", p, testSecret)
				return nil
			})
		})
	}
}

// TestBackendLoginRecordIsBound: a login record is never served as a
// registry's credential, and a credential record is never a login token.
func TestBackendLoginRecordIsBound(t *testing.T) {
	clk := testkit.NewClock(t0)
	c, err := Open(Options{Kind: KindFile, Dir: t.TempDir(), Now: clk.Now, TTL: time.Hour})
	require.NoError(t, err)
	ctx := context.Background()
	id := providers.LoginID{Parts: []string{"p"}, Label: "l"}
	_, _, err = c.Logins().Login(ctx, id, func(context.Context, *providers.LoginToken) (providers.LoginToken, error) {
		return providers.LoginToken{Token: testSecret, ExpiresAt: clk.Now().Add(time.Hour)}, nil
	})
	require.NoError(t, err)
	key := LoginKeyOf(id)
	cred, outcome, err := c.Credential(ctx, Item{Key: key, Registry: "registry.example.com"}, func(context.Context) (providers.Credential, error) {
		return providers.Credential{Username: "u", Secret: "p"}, nil
	})
	require.NoError(t, err, "a login record answered a credential lookup")
	require.Equal(t, Fetched, outcome, "a login record answered a credential lookup")
	require.NotEqual(t, testSecret, cred.Secret.Reveal(), "a login record answered a credential lookup")
	calls := 0
	_, reused, err := c.Logins().Login(ctx, id, func(context.Context, *providers.LoginToken) (providers.LoginToken, error) {
		calls++
		return providers.LoginToken{Token: testSecret, ExpiresAt: clk.Now().Add(time.Hour)}, nil
	})
	require.NoError(t, err, "a credential record was taken for a login token")
	require.False(t, reused, "a credential record was taken for a login token")
	require.Equal(t, 1, calls, "a credential record was taken for a login token")
}
