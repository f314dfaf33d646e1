package vault_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/vault"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

const roleAnnotation = "vault.hashicorp.com/role"

// roleFixture binds role build-role to SA ci/builder and test-role to
// ci/tester only, so the fake refuses a login that names the wrong role.
func roleFixture(t *testing.T) (*harness, keys) {
	k := newKeys(t)
	h := newHarness(t)
	loginFixture(h, k)
	kube := h.vault.Root().EnableKubernetes("kubernetes", &k.k8s.PublicKey)
	for role, sa := range map[string]string{"build-role": "builder", "test-role": "tester"} {
		kube.Role(role, vaulttest.KubernetesRole{
			ServiceAccountNames: []string{sa}, ServiceAccountNamespaces: []string{"ci"}, TTL: time.Hour, Policies: []string{"reader"},
		})
	}
	return h, k
}

func saRequest(token string, annotations map[string]string) providers.Request {
	return providers.Request{Registry: "r.example.com", ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(token), Annotations: annotations}}
}

// TestRoleAnnotation: each pod logs in as the role its annotation names,
// and a login is reused only for the same token and role.
func TestRoleAnnotation(t *testing.T) {
	h, k := roleFixture(t)
	p := h.provider(t, vault.Config{Path: "secret/registry", Auth: vault.Auth{Method: "kubernetes", RoleAnnotation: roleAnnotation}})
	builder := saToken(t, k.k8s, h.clock.Now(), "ci", "builder")
	tester := saToken(t, k.k8s, h.clock.Now(), "ci", "tester")
	logins := func() int { return h.vault.Count(http.MethodPost, "auth/kubernetes/login") }
	steps := []struct {
		name       string
		req        providers.Request
		wantErr    string // empty: a credential
		wantLogins int
	}{
		{name: "builder as build-role", req: saRequest(builder, map[string]string{roleAnnotation: "build-role"}), wantLogins: 1},
		{name: "tester as test-role", req: saRequest(tester, map[string]string{roleAnnotation: "test-role"}), wantLogins: 2},
		{name: "builder again reuses its login", req: saRequest(builder, map[string]string{roleAnnotation: "build-role"}), wantLogins: 2},
		// Same token, other role: a fresh login the fake refuses, proving
		// the role came from the annotation and the earlier login was not reused.
		{name: "builder naming test-role", req: saRequest(builder, map[string]string{roleAnnotation: "test-role"}), wantErr: "service account name not authorized", wantLogins: 3},
		{name: "tester naming build-role", req: saRequest(tester, map[string]string{roleAnnotation: "build-role"}), wantErr: "service account name not authorized", wantLogins: 4},
	}
	for _, s := range steps {
		cred, err := p.Credential(t.Context(), s.req)
		if s.wantErr != "" {
			testkit.WantErr(t, err, providers.ErrDenied, s.wantErr)
		} else {
			require.NoError(t, err, s.name)
			require.Equal(t, loginPass, cred.Secret.Reveal(), "%s: wrong credential", s.name)
		}
		assert.Equal(t, s.wantLogins, logins(), "%s: logins", s.name)
		h.noSecrets(t, err, builder, tester)
	}
}

func TestRoleAnnotationMissing(t *testing.T) {
	h, k := roleFixture(t)
	token := saToken(t, k.k8s, h.clock.Now(), "ci", "builder")
	cases := []struct {
		name     string
		role     string
		req      providers.Request
		wantErr  error
		wantText []string
	}{
		{name: "no annotation, no fallback", req: saRequest(token, map[string]string{"other": "x"}),
			wantErr: providers.ErrNoIdentity, wantText: []string{`no annotation "vault.hashicorp.com/role"`}},
		{name: "no service account", req: providers.Request{Registry: "r.example.com"},
			wantErr: providers.ErrNoIdentity, wantText: []string{`auth.roleAnnotation "vault.hashicorp.com/role"`, "no service account"}},
		{name: "no annotation falls back to role", role: "build-role", req: saRequest(token, nil)},
		{name: "fallback role is still checked", role: "test-role", req: saRequest(token, nil),
			wantErr: providers.ErrDenied, wantText: []string{"service account name not authorized"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := h.provider(t, vault.Config{Path: "secret/registry", Auth: vault.Auth{Method: "kubernetes", Role: c.role, RoleAnnotation: roleAnnotation}})
			cred, err := p.Credential(t.Context(), c.req)
			if c.wantErr == nil {
				require.NoError(t, err)
				require.Equal(t, loginPass, cred.Secret.Reveal(), "want the credential")
				return
			}
			testkit.WantErr(t, err, c.wantErr, c.wantText...)
			h.noSecrets(t, err, token)
		})
	}
}
