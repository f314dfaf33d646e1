package vault_test

import (
	"crypto/rsa"
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

const (
	roleID     = "role-id-7f3a"
	secretID   = "secret-id-c0ffee"
	awsKeyID   = "AKIAVAULTTEST0001"
	awsSecret  = "aws-secret-key-9d8e7f"
	awsSession = "aws-session-token-5a4b"
	builderARN = "arn:aws:iam::123456789012:role/builder"
	loginPass  = "pw-login-secret"
)

// keys signs the fixture's JWTs: k8s and oidc are trusted by the fake,
// rogue is not.
type keys struct{ k8s, oidc, rogue *rsa.PrivateKey }

func newKeys(t *testing.T) keys {
	return keys{k8s: vaulttest.NewRSAKey(t), oidc: vaulttest.NewRSAKey(t), rogue: vaulttest.NewRSAKey(t)}
}

// loginFixture enables every login method on the root namespace; each
// grants the "reader" policy on secret/data/registry.
func loginFixture(h *harness, k keys) {
	root := h.vault.Root()
	root.MountKV("secret", 2)
	root.PutKV("secret", "registry", map[string]any{"username": "robot", "password": loginPass})
	root.Policy("reader", "secret/data/registry")

	ar := root.EnableAppRole("approle")
	ar.Role("ci", roleID, secretID, time.Hour, "reader")
	ar.Role("open", "role-id-open", "", time.Hour, "reader")
	root.EnableAppRole("approle-ci").Role("ci", roleID, secretID, time.Hour, "reader")

	root.EnableKubernetes("kubernetes", &k.k8s.PublicKey).Role("puller", vaulttest.KubernetesRole{
		ServiceAccountNames: []string{"builder"}, ServiceAccountNamespaces: []string{"ci"}, TTL: time.Hour, Policies: []string{"reader"},
	})
	j := root.EnableJWT("jwt", &k.oidc.PublicKey)
	j.BoundIssuer("https://token.actions.githubusercontent.com")
	j.DefaultRole("main")
	j.Role("main", vaulttest.JWTRole{
		BoundAudiences: []string{"https://vault.example.com"}, BoundSubject: "repo:org/app:ref:refs/heads/main",
		BoundClaims: map[string]string{"repository": "org/app"}, TTL: time.Hour, Policies: []string{"reader"},
	})

	aws := root.EnableAWS("aws")
	aws.Key(awsKeyID, vaulttest.AWSKey{Secret: awsSecret, ARN: builderARN})
	aws.Key("ASIAVAULTTEST0002", vaulttest.AWSKey{Secret: awsSecret, SessionToken: awsSession, ARN: "arn:aws:sts::123456789012:assumed-role/builder/ci-42"})
	aws.Role("builder", vaulttest.AWSRole{BoundIAMPrincipalARN: "arn:aws:*", TTL: time.Hour, Policies: []string{"reader"}})
	strict := root.EnableAWS("aws-strict")
	strict.Key(awsKeyID, vaulttest.AWSKey{Secret: awsSecret, ARN: builderARN})
	strict.ServerID("vault.example.com")
	strict.Role("builder", vaulttest.AWSRole{BoundIAMPrincipalARN: builderARN, TTL: time.Hour, Policies: []string{"reader"}})
	eu := root.EnableAWS("aws-eu")
	eu.Key(awsKeyID, vaulttest.AWSKey{Secret: awsSecret, ARN: builderARN})
	eu.STSRegion("eu-west-1")
	eu.Role("builder", vaulttest.AWSRole{TTL: time.Hour, Policies: []string{"reader"}})
}

// saToken is a projected service-account token for ns/name.
func saToken(t *testing.T, key *rsa.PrivateKey, now time.Time, ns, name string) string {
	return vaulttest.SignJWT(t, key, map[string]any{
		"iss": "https://kubernetes.default.svc.cluster.local", "sub": "system:serviceaccount:" + ns + ":" + name,
		"aud": []string{"https://kubernetes.default.svc"}, "iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"kubernetes.io": map[string]any{"namespace": ns, "serviceaccount": map[string]any{"name": name, "uid": "0d7c"}},
	})
}

// ciToken is a GitHub-Actions-like OIDC token; change edits its claims.
func ciToken(t *testing.T, key *rsa.PrivateKey, now time.Time, change func(map[string]any)) string {
	c := map[string]any{
		"iss": "https://token.actions.githubusercontent.com", "aud": "https://vault.example.com",
		"sub": "repo:org/app:ref:refs/heads/main", "repository": "org/app",
		"iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix(),
	}
	if change != nil {
		change(c)
	}
	return vaulttest.SignJWT(t, key, c)
}

func TestLogins(t *testing.T) {
	k := newKeys(t)
	now := time.Now()
	sa := saToken(t, k.k8s, now, "ci", "builder")
	ci := ciToken(t, k.oidc, now, nil)
	awsEnv := testkit.Env{"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": awsSecret}
	secretFile := testkit.TempFile(t, "secret-id", secretID+"\n")
	tests := []struct {
		name      string
		auth      vault.Auth
		env       testkit.Env
		req       providers.Request
		wantErr   error
		fragments []string
		absent    []string // texts the error must not hold
	}{
		{name: "approle inline secret", auth: vault.Auth{Method: "approle", RoleID: roleID, SecretID: secretID}},
		{name: "approle files", auth: vault.Auth{Method: "approle", RoleIDFile: testkit.TempFile(t, "role-id", roleID), SecretIDFile: secretFile}},
		{name: "approle custom mount", auth: vault.Auth{Method: "approle", Mount: "approle-ci", RoleID: roleID, SecretIDFile: secretFile}},
		{name: "approle without secret id", auth: vault.Auth{Method: "approle", RoleID: "role-id-open"}},
		{name: "kubernetes jwt file", auth: vault.Auth{Method: "kubernetes", Role: "puller", JWTFile: testkit.TempFile(t, "token", sa)}},
		{name: "kubernetes kubelet token", auth: vault.Auth{Method: "kubernetes", Role: "puller"},
			req: providers.Request{ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(sa)}}},
		{name: "jwt named role", auth: vault.Auth{Method: "jwt", Role: "main", JWTFile: testkit.TempFile(t, "ci.jwt", ci)}},
		{name: "jwt default role", auth: vault.Auth{Method: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ci)}},
		{name: "oidc method on a jwt mount", auth: vault.Auth{Method: "oidc", Mount: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ci)}},
		{name: "aws", auth: vault.Auth{Method: "aws", Role: "builder"}, env: awsEnv},
		{name: "aws role from the principal", auth: vault.Auth{Method: "aws"}, env: awsEnv},
		{name: "aws session credentials", auth: vault.Auth{Method: "aws", Role: "builder"},
			env: testkit.Env{"AWS_ACCESS_KEY_ID": "ASIAVAULTTEST0002", "AWS_SECRET_ACCESS_KEY": awsSecret, "AWS_SESSION_TOKEN": awsSession}},
		{name: "aws server id header", auth: vault.Auth{Method: "aws", Mount: "aws-strict", Role: "builder", HeaderValue: "vault.example.com"}, env: awsEnv},
		{name: "aws regional endpoint", auth: vault.Auth{Method: "aws", Mount: "aws-eu", Role: "builder", Region: "eu-west-1"}, env: awsEnv},

		{name: "approle wrong secret id", auth: vault.Auth{Method: "approle", RoleID: roleID, SecretID: "secret-id-wrong"},
			wantErr: providers.ErrDenied, fragments: []string{"refused the approle login at auth/approle: invalid role or secret ID"}},
		{name: "approle missing secret id", auth: vault.Auth{Method: "approle", RoleID: roleID},
			wantErr: providers.ErrDenied, fragments: []string{"missing secret_id"}},
		{name: "approle secret id file missing", auth: vault.Auth{Method: "approle", RoleID: roleID, SecretIDFile: "/nonexistent/secret-id"},
			wantErr: providers.ErrNoIdentity, fragments: []string{"auth.secretIdFile /nonexistent/secret-id does not exist"}},
		{name: "auth method not enabled", auth: vault.Auth{Method: "approle", Mount: "nowhere", RoleID: roleID, SecretID: secretID},
			wantErr: providers.ErrDenied, fragments: []string{"is the approle auth method enabled at auth/nowhere?"}},
		{name: "kubernetes wrong service account", auth: vault.Auth{Method: "kubernetes", Role: "puller", JWTFile: testkit.TempFile(t, "token", saToken(t, k.k8s, now, "ci", "intruder"))},
			wantErr: providers.ErrDenied, fragments: []string{"service account name not authorized"}},
		{name: "kubernetes wrong namespace", auth: vault.Auth{Method: "kubernetes", Role: "puller", JWTFile: testkit.TempFile(t, "token", saToken(t, k.k8s, now, "prod", "builder"))},
			wantErr: providers.ErrDenied, fragments: []string{"namespace not authorized"}},
		{name: "kubernetes forged signature", auth: vault.Auth{Method: "kubernetes", Role: "puller", JWTFile: testkit.TempFile(t, "token", saToken(t, k.rogue, now, "ci", "builder"))},
			wantErr: providers.ErrDenied, fragments: []string{"permission denied"}},
		{name: "kubernetes expired token", auth: vault.Auth{Method: "kubernetes", Role: "puller", JWTFile: testkit.TempFile(t, "token", saToken(t, k.k8s, now.Add(-3*time.Hour), "ci", "builder"))},
			wantErr: providers.ErrDenied, fragments: []string{"refused the kubernetes login at auth/kubernetes: the token expired at"}, absent: []string{"enabled"}},
		{name: "kubernetes expired token from the kubelet", auth: vault.Auth{Method: "kubernetes", Role: "puller"},
			req:     providers.Request{Registry: "r.example.com", ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(saToken(t, k.k8s, now.Add(-3*time.Hour), "ci", "builder"))}},
			wantErr: providers.ErrDenied, fragments: []string{"the token expired at"}, absent: []string{"enabled"}},
		{name: "kubernetes unknown role", auth: vault.Auth{Method: "kubernetes", Role: "pusher", JWTFile: testkit.TempFile(t, "token", sa)},
			wantErr: providers.ErrDenied, fragments: []string{`invalid role name "pusher"`}},
		{name: "jwt without a token", auth: vault.Auth{Method: "jwt", Role: "main"},
			wantErr: providers.ErrNoIdentity, fragments: []string{"needs auth.jwtFile"}},
		{name: "jwt forged signature", auth: vault.Auth{Method: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ciToken(t, k.rogue, now, nil))},
			wantErr: providers.ErrDenied, fragments: []string{"error validating token"}},
		{name: "jwt wrong audience", auth: vault.Auth{Method: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ciToken(t, k.oidc, now, func(c map[string]any) { c["aud"] = "sigstore" }))},
			wantErr: providers.ErrDenied, fragments: []string{"audience claim does not match"}},
		{name: "jwt wrong subject", auth: vault.Auth{Method: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ciToken(t, k.oidc, now, func(c map[string]any) { c["sub"] = "repo:org/app:pull_request" }))},
			wantErr: providers.ErrDenied, fragments: []string{"bound subject"}},
		{name: "jwt bound claim", auth: vault.Auth{Method: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ciToken(t, k.oidc, now, func(c map[string]any) { c["repository"] = "org/fork" }))},
			wantErr: providers.ErrDenied, fragments: []string{`claim "repository" does not match`}},
		{name: "jwt expired", auth: vault.Auth{Method: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ciToken(t, k.oidc, now.Add(-time.Hour), nil))},
			wantErr: providers.ErrDenied, fragments: []string{"expired"}},
		{name: "jwt wrong issuer", auth: vault.Auth{Method: "jwt", JWTFile: testkit.TempFile(t, "ci.jwt", ciToken(t, k.oidc, now, func(c map[string]any) { c["iss"] = "https://evil.example" }))},
			wantErr: providers.ErrDenied, fragments: []string{"issuer"}},
		{name: "aws wrong secret key", auth: vault.Auth{Method: "aws", Role: "builder"}, env: testkit.Env{"AWS_ACCESS_KEY_ID": awsKeyID, "AWS_SECRET_ACCESS_KEY": "not-the-key"},
			wantErr: providers.ErrDenied, fragments: []string{"SignatureDoesNotMatch"}},
		{name: "aws unknown key", auth: vault.Auth{Method: "aws", Role: "builder"}, env: testkit.Env{"AWS_ACCESS_KEY_ID": "AKIAUNKNOWN", "AWS_SECRET_ACCESS_KEY": awsSecret},
			wantErr: providers.ErrDenied, fragments: []string{"InvalidClientTokenId"}},
		{name: "aws session token missing", auth: vault.Auth{Method: "aws", Role: "builder"}, env: testkit.Env{"AWS_ACCESS_KEY_ID": "ASIAVAULTTEST0002", "AWS_SECRET_ACCESS_KEY": awsSecret},
			wantErr: providers.ErrDenied, fragments: []string{"InvalidClientTokenId"}},
		{name: "aws server id missing", auth: vault.Auth{Method: "aws", Mount: "aws-strict", Role: "builder"}, env: awsEnv,
			wantErr: providers.ErrDenied, fragments: []string{"X-Vault-AWS-IAM-Server-ID"}},
		{name: "aws server id wrong", auth: vault.Auth{Method: "aws", Mount: "aws-strict", Role: "builder", HeaderValue: "other.example.com"}, env: awsEnv,
			wantErr: providers.ErrDenied, fragments: []string{`expected "vault.example.com"`}},
		{name: "aws region the server does not use", auth: vault.Auth{Method: "aws", Mount: "aws-eu", Role: "builder"}, env: awsEnv,
			wantErr: providers.ErrDenied, fragments: []string{"scoped to a valid region"}},
		{name: "aws unknown role", auth: vault.Auth{Method: "aws", Role: "deployer"}, env: awsEnv,
			wantErr: providers.ErrDenied, fragments: []string{`entry for role "deployer" not found`}},
		{name: "cert without a client certificate", auth: vault.Auth{Method: "cert"},
			wantErr: providers.ErrNoIdentity, fragments: []string{"needs a client certificate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t)
			loginFixture(h, k)
			for key, v := range tt.env {
				h.env[key] = v
			}
			p := h.provider(t, vault.Config{Path: "secret/registry", Auth: tt.auth})
			cred, err := p.Credential(t.Context(), tt.req)
			h.noSecrets(t, err, secretID, sa, ci, awsSecret, awsSession, loginPass)
			if tt.wantErr != nil {
				testkit.WantErr(t, err, tt.wantErr, tt.fragments...)
				for _, a := range tt.absent {
					assert.NotContains(t, err.Error(), a)
				}
				return
			}
			require.NoError(t, err, "Credential")
			assert.Equal(t, "robot", cred.Username)
			assert.Equal(t, loginPass, cred.Secret.Reveal())
		})
	}
}

// TestLoginTokenReuse: the login token is reused until 80% of its TTL,
// then a new login is made; a token revoked early is replaced at once.
func TestLoginTokenReuse(t *testing.T) {
	h := newHarness(t)
	loginFixture(h, keys{k8s: vaulttest.NewRSAKey(t), oidc: vaulttest.NewRSAKey(t)})
	p := h.provider(t, vault.Config{Path: "secret/registry", Auth: vault.Auth{Method: "approle", RoleID: roleID, SecretID: secretID}})
	logins := func() int { return h.vault.Count(http.MethodPost, "auth/approle/login") }
	steps := []struct {
		name       string
		before     func()
		wantLogins int
	}{
		{name: "first call logs in", wantLogins: 1},
		{name: "second call reuses the token", wantLogins: 1},
		{name: "at 79% of the TTL still reused", before: func() { h.clock.Advance(47 * time.Minute) }, wantLogins: 1},
		{name: "at 80% logs in again", before: func() { h.clock.Advance(time.Minute) }, wantLogins: 2},
		{name: "revoked token is replaced", before: h.vault.Root().RevokeLoginTokens, wantLogins: 3},
		{name: "and the new one reused", wantLogins: 3},
	}
	for _, s := range steps {
		if s.before != nil {
			s.before()
		}
		cred, err := get(p)
		require.NoError(t, err, "%s", s.name)
		require.Equal(t, loginPass, cred.Secret.Reveal(), "%s: wrong credential", s.name)
		assert.Equal(t, s.wantLogins, logins(), "%s: logins", s.name)
	}
}

// TestKubeletServiceAccounts: each pod's token logs in separately, and
// each login is reused for that pod only.
func TestKubeletServiceAccounts(t *testing.T) {
	k := newKeys(t)
	h := newHarness(t)
	loginFixture(h, k)
	h.vault.Root().EnableKubernetes("kubernetes", &k.k8s.PublicKey).Role("puller", vaulttest.KubernetesRole{
		ServiceAccountNames: []string{"builder", "tester"}, ServiceAccountNamespaces: []string{"*"}, TTL: time.Hour, Policies: []string{"reader"},
	})
	p := h.provider(t, vault.Config{Path: "secret/registry", Auth: vault.Auth{Method: "kubernetes", Role: "puller"}})
	req := func(name string) providers.Request {
		return providers.Request{Registry: "r.example.com", ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(saToken(t, k.k8s, h.clock.Now(), "ci", name))}}
	}
	a, b := req("builder"), req("tester")
	for i, r := range []providers.Request{a, b, a, b} {
		_, err := p.Credential(t.Context(), r)
		require.NoError(t, err, "call %d", i)
	}
	assert.Equal(t, 2, h.vault.Count(http.MethodPost, "auth/kubernetes/login"), "logins, want one per service account")
	_, err := p.Credential(t.Context(), req("intruder"))
	testkit.WantErr(t, err, providers.ErrDenied, "service account name not authorized")
}
