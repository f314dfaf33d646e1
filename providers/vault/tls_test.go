package vault_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

func TestTLSAndCertLogin(t *testing.T) {
	serverCA := vaulttest.NewCA(t, "server CA")
	clientCA := vaulttest.NewCA(t, "client CA")
	otherCA := vaulttest.NewCA(t, "other CA")
	caFile := serverCA.WriteCert(t)
	clientCert, clientKey := clientCA.Issue(t, vaulttest.Leaf{CommonName: "ci-runner"}).Write(t)
	rogueCert, rogueKey := otherCA.Issue(t, vaulttest.Leaf{CommonName: "ci-runner"}).Write(t)
	notPEM := testkit.TempFile(t, "ca.pem", "not a certificate")
	token := testkit.Env{"VAULT_TOKEN": "tok-tls"}
	cert := func(role string) vault.Auth { return vault.Auth{Method: "cert", Role: role} }
	tests := []struct {
		name      string
		cfg       vault.Config
		env       testkit.Env
		wantErr   error
		fragments []string
	}{
		{name: "caCert and tlsServerName", cfg: vault.Config{CACert: caFile, TLSServerName: "vault.test"}, env: token},
		{name: "VAULT_CACERT and VAULT_TLS_SERVER_NAME", env: testkit.Env{"VAULT_TOKEN": "tok-tls", "VAULT_CACERT": caFile, "VAULT_TLS_SERVER_NAME": "vault.test"}},
		{name: "caPath", cfg: vault.Config{CAPath: filepath.Dir(caFile), TLSServerName: "vault.test"}, env: token},
		{name: "VAULT_CAPATH", cfg: vault.Config{TLSServerName: "vault.test"}, env: testkit.Env{"VAULT_TOKEN": "tok-tls", "VAULT_CAPATH": filepath.Dir(caFile)}},
		{name: "tlsSkipVerify", cfg: vault.Config{TLSSkipVerify: true}, env: token},
		{name: "VAULT_SKIP_VERIFY", env: testkit.Env{"VAULT_TOKEN": "tok-tls", "VAULT_SKIP_VERIFY": "1"}},
		{name: "cert login with a role", cfg: vault.Config{CACert: caFile, TLSServerName: "vault.test", ClientCert: clientCert, ClientKey: clientKey, Auth: cert("ci")}},
		{name: "cert login without a role", cfg: vault.Config{CACert: caFile, TLSServerName: "vault.test", ClientCert: clientCert, ClientKey: clientKey, Auth: cert("")}},
		{name: "cert login from VAULT_CLIENT_CERT", cfg: vault.Config{CACert: caFile, TLSServerName: "vault.test", Auth: cert("ci")},
			env: testkit.Env{"VAULT_CLIENT_CERT": clientCert, "VAULT_CLIENT_KEY": clientKey}},

		{name: "unknown authority", cfg: vault.Config{TLSServerName: "vault.test"}, env: token,
			wantErr: providers.ErrUnavailable, fragments: []string{"TLS:", "unknown authority", "caCert"}},
		{name: "name not in the certificate", cfg: vault.Config{CACert: caFile}, env: token,
			wantErr: providers.ErrUnavailable, fragments: []string{"TLS:", "127.0.0.1"}},
		{name: "cert login with an untrusted certificate", cfg: vault.Config{CACert: caFile, TLSServerName: "vault.test", ClientCert: rogueCert, ClientKey: rogueKey, Auth: cert("ci")},
			wantErr: providers.ErrDenied, fragments: []string{"refused the cert login at auth/cert: invalid certificate"}},
		{name: "cert login as a role of another CA", cfg: vault.Config{CACert: caFile, TLSServerName: "vault.test", ClientCert: clientCert, ClientKey: clientKey, Auth: cert("other")},
			wantErr: providers.ErrDenied, fragments: []string{"invalid certificate"}},
		{name: "caCert missing", cfg: vault.Config{CACert: "/nonexistent/ca.pem"}, env: token,
			wantErr: providers.ErrInvalid, fragments: []string{"caCert /nonexistent/ca.pem"}},
		{name: "caCert not PEM", cfg: vault.Config{CACert: notPEM}, env: token,
			wantErr: providers.ErrInvalid, fragments: []string{"holds no PEM certificate"}},
		{name: "client key missing", cfg: vault.Config{ClientCert: clientCert, ClientKey: "/nonexistent/key.pem", Auth: cert("")},
			wantErr: providers.ErrInvalid, fragments: []string{"client certificate", "/nonexistent/key.pem"}},
		{name: "VAULT_CLIENT_CERT without a key", env: testkit.Env{"VAULT_TOKEN": "tok-tls", "VAULT_CLIENT_CERT": clientCert},
			wantErr: providers.ErrInvalid, fragments: []string{"VAULT_CLIENT_KEY"}},
		{name: "VAULT_SKIP_VERIFY not a boolean", env: testkit.Env{"VAULT_TOKEN": "tok-tls", "VAULT_SKIP_VERIFY": "maybe"},
			wantErr: providers.ErrInvalid, fragments: []string{"VAULT_SKIP_VERIFY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, vaulttest.WithTLS(serverCA))
			root := h.vault.Root()
			root.MountKV("secret", 2)
			root.PutKV("secret", "registry", map[string]any{"username": "robot", "password": loginPass})
			root.Policy("reader", "secret/data/registry")
			root.Token("tok-tls", 0, "reader")
			c := root.EnableCert("cert")
			c.Role("ci", vaulttest.CertRole{CA: clientCA, TTL: time.Hour, Policies: []string{"reader"}})
			c.Role("other", vaulttest.CertRole{CA: otherCA, TTL: time.Hour, Policies: []string{"reader"}})
			for k, v := range tt.env {
				h.env[k] = v
			}
			tt.cfg.Path = "secret/registry"
			cred, err := get(h.provider(t, tt.cfg))
			h.noSecrets(t, err, "tok-tls", loginPass)
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				return
			}
			require.NoError(t, err, "Credential")
			assert.Equal(t, loginPass, cred.Secret.Reveal())
		})
	}
}
