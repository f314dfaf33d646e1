package vault_test

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/openbao"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// TestRealUnavailable: a sealed OpenBao, then a stopped one, then a server
// that accepts connections and never answers are each "Vault unavailable"
// (so the next entry is tried), saying why, with no secret.
func TestRealUnavailable(t *testing.T) {
	t.Parallel()
	s := bao.Dedicated(t)
	w := newRealWorld(t)
	w.bao = s
	m := w.mountKV(t, "", "kv", 2)
	w.put(t, "", m+"/data/registry", map[string]any{"username": "robot", "password": realPass})
	w.env["VAULT_TOKEN"] = s.RootToken
	cfg := vault.Config{Path: m + "/registry"}
	cred, err := get(w.provider(t, cfg))
	require.NoError(t, err, "unsealed")
	require.Equal(t, realPass, cred.Secret.Reveal(), "unsealed")
	ctx := context.Background()
	require.NoError(t, s.Seal(ctx))
	_, err = get(w.provider(t, cfg))
	testkit.WantErr(t, err, providers.ErrUnavailable, "Vault unavailable at "+s.Addr+": sealed")
	// The fake's sealed answer is the real one's.
	fake := vaulttest.New(t)
	fake.Seal()
	sealedProbe := probe{name: "sealed", method: http.MethodGet, path: m + "/data/registry", token: "root"}
	compareShape(t, sealedProbe,
		paritySide{name: "openbao", do: func(r openbao.Request) (openbao.Response, error) { return s.Do(ctx, r) }, tokens: map[string]string{"root": s.RootToken}}.answer(t, sealedProbe, nil, ""),
		paritySide{name: "fake", do: fakeDoer(fake.URL), tokens: map[string]string{}}.answer(t, sealedProbe, nil, ""))
	w.noSecrets(t, err, s.RootToken, realPass)

	require.NoError(t, s.Unseal(ctx))
	s.Stop()
	_, err = get(w.provider(t, cfg))
	testkit.WantErr(t, err, providers.ErrUnavailable, "Vault unavailable at "+s.Addr+": cannot connect", "connection refused")
	w.noSecrets(t, err, s.RootToken, realPass)

	// A listener that never answers: the TLS handshake hangs until the
	// timeout, which is not retried.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { c.Close() })
		}
	}()
	silent := "https://" + l.Addr().String()
	cfg.Address, cfg.Timeout = silent, "300ms"
	_, err = get(w.provider(t, cfg))
	testkit.WantErr(t, err, providers.ErrUnavailable, "Vault unavailable at "+silent+": no answer within 300ms (timeout)")
	w.noSecrets(t, err, s.RootToken, realPass)
}
