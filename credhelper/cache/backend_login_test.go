package cache

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
			clk, log := newClock(), &logBuf{}
			dir := t.TempDir()
			c, err := Open(Options{Kind: tt.kind, Dir: dir, Now: clk.Now, Logger: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			if err != nil {
				t.Fatal(err)
			}
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
			if _, reused, err := l.Login(ctx, id, obtain); err != nil || reused {
				t.Fatalf("first login: reused %v, %v", reused, err)
			}
			clk.Advance(tt.advance)
			if tt.drop {
				l.Drop(ctx, id)
			}
			tok, reused, err := l.Login(ctx, id, obtain)
			if (err != nil) != tt.wantErr || reused != tt.wantReused || calls != tt.wantCalls || (gotOld != nil) != tt.wantOld {
				t.Fatalf("second login: err %v, reused %v, calls %d, old %v", err, reused, calls, gotOld != nil)
			}
			if err == nil && tok.Token.Reveal() != testSecret {
				t.Error("wrong token")
			}
			if gotOld != nil && (gotOld.Token.Reveal() != testSecret || !gotOld.Renewable) {
				t.Errorf("obtain got %+v", gotOld)
			}
			if strings.Contains(log.String(), testSecret) || strings.Contains(LoginKeyOf(id), "hash-of") {
				t.Error("the log or the key shows a secret")
			}
			_ = filepath.WalkDir(dir, func(p string, _ os.DirEntry, _ error) error {
				if strings.Contains(p, testSecret) {
					t.Errorf("file name %s holds the token", p)
				}
				return nil
			})
		})
	}
}

// TestBackendLoginRecordIsBound: a login record is never served as a
// registry's credential, and a credential record is never a login token.
func TestBackendLoginRecordIsBound(t *testing.T) {
	clk := newClock()
	c, err := Open(Options{Kind: KindFile, Dir: t.TempDir(), Now: clk.Now, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := providers.LoginID{Parts: []string{"p"}, Label: "l"}
	if _, _, err := c.Logins().Login(ctx, id, func(context.Context, *providers.LoginToken) (providers.LoginToken, error) {
		return providers.LoginToken{Token: testSecret, ExpiresAt: clk.Now().Add(time.Hour)}, nil
	}); err != nil {
		t.Fatal(err)
	}
	key := LoginKeyOf(id)
	cred, outcome, err := c.Credential(ctx, Item{Key: key, Registry: "registry.example.com"}, func(context.Context) (providers.Credential, error) {
		return providers.Credential{Username: "u", Secret: "p"}, nil
	})
	if err != nil || outcome != Fetched || cred.Secret.Reveal() == testSecret {
		t.Fatalf("a login record answered a credential lookup: %v %v", outcome, err)
	}
	calls := 0
	if _, reused, err := c.Logins().Login(ctx, id, func(context.Context, *providers.LoginToken) (providers.LoginToken, error) {
		calls++
		return providers.LoginToken{Token: testSecret, ExpiresAt: clk.Now().Add(time.Hour)}, nil
	}); err != nil || reused || calls != 1 {
		t.Fatalf("a credential record was taken for a login token: reused %v, calls %d, %v", reused, calls, err)
	}
}
