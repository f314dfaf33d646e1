package credhelper

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// TestKeylessCloudKeyBindsTheIdentity: a keyless gcr or acr entry's
// credential is keyed by everything that decides whose credential it is —
// the registry, the pool provider or tenant and client (from the entry or
// the environment), the impersonated service account, the audience asked
// for, the Entra authority and scope, and the identity token's issuer,
// subject and audience — so that no two of them share one; and not by
// the token itself, which rotates for the same workload.
func TestKeylessCloudKeyBindsTheIdentity(t *testing.T) {
	const (
		wip   = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci-pool/providers/github"
		wip2  = "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/ci-pool/providers/gitlab"
		gcr   = "    gcr: {workloadIdentityProvider: " + wip + ", impersonateServiceAccount: a@p.iam.gserviceaccount.com, idToken: {from: github}}\n"
		gar   = "us-docker.pkg.dev"
		acr   = "    acr: {tenantId: 11111111-1111-1111-1111-111111111111, clientId: 22222222-2222-2222-2222-222222222222, idToken: {from: github}}\n"
		acrEn = "    acr: {idToken: {from: github}}\n"
		reg   = "myreg.azurecr.io"
	)
	tok := providers.IdentityToken{Token: "jwt-1", Issuer: "https://token.actions.githubusercontent.com", Subject: "repo:o/app:ref:refs/heads/main", Audience: []string{"https:" + wip}}
	with := func(f func(*providers.IdentityToken)) providers.IdentityToken {
		t := tok
		t.Audience = append([]string(nil), tok.Audience...)
		f(&t)
		return t
	}
	type side struct {
		entry, host string
		env         testkit.Env
		tok         providers.IdentityToken
	}
	tests := []struct {
		name     string
		a, b     side
		wantSame bool
	}{
		{name: "gcr: the token rotates", wantSame: true, a: side{entry: gcr, host: gar, tok: tok}, b: side{entry: gcr, host: gar, tok: with(func(t *providers.IdentityToken) { t.Token = "jwt-2" })}},
		{name: "gcr: another registry", a: side{entry: gcr, host: gar, tok: tok}, b: side{entry: gcr, host: "europe-docker.pkg.dev", tok: tok}},
		{name: "gcr: another impersonated service account", a: side{entry: gcr, host: gar, tok: tok},
			b: side{entry: "    gcr: {workloadIdentityProvider: " + wip + ", impersonateServiceAccount: b@p.iam.gserviceaccount.com, idToken: {from: github}}\n", host: gar, tok: tok}},
		{name: "gcr: no impersonation", a: side{entry: gcr, host: gar, tok: tok},
			b: side{entry: "    gcr: {workloadIdentityProvider: " + wip + ", idToken: {from: github}}\n", host: gar, tok: tok}},
		{name: "gcr: another pool provider", a: side{entry: gcr, host: gar, tok: tok},
			b: side{entry: "    gcr: {workloadIdentityProvider: " + wip2 + ", impersonateServiceAccount: a@p.iam.gserviceaccount.com, idToken: {from: github}}\n", host: gar, tok: tok}},
		{name: "gcr: another audience asked", a: side{entry: gcr, host: gar, tok: tok},
			b: side{entry: "    gcr: {workloadIdentityProvider: " + wip + ", impersonateServiceAccount: a@p.iam.gserviceaccount.com, idToken: {from: github, audience: other}}\n", host: gar, tok: tok}},
		{name: "gcr: another subject", a: side{entry: gcr, host: gar, tok: tok}, b: side{entry: gcr, host: gar, tok: with(func(t *providers.IdentityToken) { t.Subject = "repo:o/other:ref:refs/heads/main" })}},
		{name: "gcr: another issuer", a: side{entry: gcr, host: gar, tok: tok}, b: side{entry: gcr, host: gar, tok: with(func(t *providers.IdentityToken) { t.Issuer = "https://gitlab.com" })}},
		{name: "gcr: another token audience", a: side{entry: gcr, host: gar, tok: tok}, b: side{entry: gcr, host: gar, tok: with(func(t *providers.IdentityToken) { t.Audience = []string{"other"} })}},
		{name: "gcr: the machine's Google identity plays no part", wantSame: true, a: side{entry: gcr, host: gar, tok: tok},
			b: side{entry: gcr, host: gar, tok: tok, env: testkit.Env{"GOOGLE_APPLICATION_CREDENTIALS": "/etc/sa.json"}}},
		{name: "acr: the token rotates", wantSame: true, a: side{entry: acr, host: reg, tok: tok}, b: side{entry: acr, host: reg, tok: with(func(t *providers.IdentityToken) { t.Token = "jwt-2" })}},
		{name: "acr: another registry", a: side{entry: acr, host: reg, tok: tok}, b: side{entry: acr, host: "other.azurecr.io", tok: tok}},
		{name: "acr: another client", a: side{entry: acr, host: reg, tok: tok},
			b: side{entry: "    acr: {tenantId: 11111111-1111-1111-1111-111111111111, clientId: 33333333-3333-3333-3333-333333333333, idToken: {from: github}}\n", host: reg, tok: tok}},
		{name: "acr: another tenant", a: side{entry: acr, host: reg, tok: tok},
			b: side{entry: "    acr: {tenantId: 44444444-4444-4444-4444-444444444444, clientId: 22222222-2222-2222-2222-222222222222, idToken: {from: github}}\n", host: reg, tok: tok}},
		{name: "acr: another client from the environment", a: side{entry: acrEn, host: reg, tok: tok, env: testkit.Env{"AZURE_TENANT_ID": "t1", "AZURE_CLIENT_ID": "c1"}},
			b: side{entry: acrEn, host: reg, tok: tok, env: testkit.Env{"AZURE_TENANT_ID": "t1", "AZURE_CLIENT_ID": "c2"}}},
		{name: "acr: another tenant from the environment", a: side{entry: acrEn, host: reg, tok: tok, env: testkit.Env{"AZURE_TENANT_ID": "t1", "AZURE_CLIENT_ID": "c1"}},
			b: side{entry: acrEn, host: reg, tok: tok, env: testkit.Env{"AZURE_TENANT_ID": "t2", "AZURE_CLIENT_ID": "c1"}}},
		{name: "acr: another authority", a: side{entry: acr, host: reg, tok: tok}, b: side{entry: acr, host: reg, tok: tok, env: testkit.Env{"AZURE_AUTHORITY_HOST": "https://login.example.com/"}}},
		{name: "acr: another scope", a: side{entry: acr, host: reg, tok: tok},
			b: side{entry: "    acr: {tenantId: 11111111-1111-1111-1111-111111111111, clientId: 22222222-2222-2222-2222-222222222222, scope: \"api://other/.default\", idToken: {from: github}}\n", host: reg, tok: tok}},
		{name: "acr: another subject", a: side{entry: acr, host: reg, tok: tok}, b: side{entry: acr, host: reg, tok: with(func(t *providers.IdentityToken) { t.Subject = "repo:o/other:environment:prod" })}},
		{name: "acr: the machine's service principal plays no part", wantSame: true, a: side{entry: acr, host: reg, tok: tok},
			b: side{entry: acr, host: reg, tok: tok, env: testkit.Env{"AZURE_CLIENT_SECRET": "s"}}},
	}
	key := func(t *testing.T, s side) string {
		t.Helper()
		cfg, err := config.Parse("c.yaml", []byte("defaults: false\nregistries:\n  - match: \""+s.host+"\"\n"+s.entry))
		require.NoError(t, err)
		e := cfg.Registries[0]
		_, keyless := e.IdentityToken()
		require.True(t, keyless, "the entry trades no identity token")
		return e.CacheIdentity(target(t, s.host), nil, s.env.Lookup).WithIdentityToken(s.tok).Key
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := key(t, tt.a), key(t, tt.b)
			if tt.wantSame {
				assert.Equal(t, a, b, "the key changed")
				return
			}
			assert.NotEqual(t, a, b, "two identities share a key")
		})
	}
}
