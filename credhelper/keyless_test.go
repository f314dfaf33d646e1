package credhelper

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/jfrog/jfrogtest"
)

// A keyless entry's credential is cached under its identity token's
// claims: every get fetches a new token (as every CI job does), and the
// same workload's next token finds the credential; another workload's
// does not.
func TestKeylessRotationHitsTheCache(t *testing.T) {
	iss := oidctest.New(t)
	fake := jfrogtest.New(t)
	other := "repo:regcred-test/other:ref:refs/heads/main"
	fake.AddIntegration("gh", jfrogtest.Integration{Issuer: iss.URL, Audience: "jfrog", Mappings: []jfrogtest.Mapping{
		{Name: "app", Subject: iss.Subject, Username: "app-puller"}, {Name: "other", Subject: other, Username: "other-puller"}}})
	cfg := fmt.Sprintf("cache: {store: file, dir: %q}\nregistries:\n  - match: acme.jfrog.example\n    jfrog: {url: %q, providerName: gh, idToken: {audience: jfrog}}\n",
		t.TempDir(), fake.URL)
	get := func() (user, secret, log string, code int) {
		ta := newTestApp(t, cfg, maps.Clone(iss.GitHubEnv()))
		out, code := ta.runString(t, "acme.jfrog.example\n", "get")
		var ans struct{ Username, Secret string }
		if code == 0 {
			require.NoError(t, json.Unmarshal([]byte(out), &ans), out)
		} else {
			ans.Secret = out
		}
		return ans.Username, ans.Secret, ta.stderr.String(), code
	}
	user, first, log1, code := get()
	require.Zero(t, code, first)
	assert.Equal(t, "app-puller", user)
	_, second, log2, _ := get()
	assert.Equal(t, first, second, "the same workload's next token did not hit the cache")
	assert.Equal(t, 1, fake.Exchanges())
	assert.Equal(t, 2, iss.Asks(), "each get asks the CI for its own token")

	iss.Subject = other
	user, third, log3, code := get()
	require.Zero(t, code, third)
	assert.Equal(t, "other-puller", user, "another workload's token was served the first one's credential")
	assert.Equal(t, 2, fake.Exchanges())

	secrets := append(append(iss.Issued(), fake.Issued()...), iss.RequestToken())
	testkit.AssertNoSecret(t, "debug log", log1+log2+log3, secrets...)
	assert.Contains(t, log1, "identity token", "the debug log does not say where the token came from")
}

// Each refusal names the entry and what to fix.
func TestKeylessRefusalNamesTheEntryAndTheFix(t *testing.T) {
	iss := oidctest.New(t)
	fake := jfrogtest.New(t)
	fake.AddIntegration("gh", jfrogtest.Integration{Issuer: iss.URL, Audience: "jfrog", Mappings: []jfrogtest.Mapping{{Subject: iss.Subject, Username: "u"}}})
	cfg := fmt.Sprintf("cache: {store: none}\nregistries:\n  - match: acme.jfrog.example\n    name: acme\n    jfrog: {url: %q, providerName: gh, idToken: {audience: %%s}}\n", fake.URL)
	for _, tc := range []struct {
		name, audience string
		env            map[string]string
		says           []string
	}{
		{name: "missing id-token permission", audience: "jfrog", env: map[string]string{"GITHUB_ACTIONS": "true"}, says: []string{"permissions: id-token: write"}},
		{name: "wrong audience", audience: "other", env: iss.GitHubEnv(), says: []string{"audience mismatch", "idToken.audience"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ta := newTestApp(t, fmt.Sprintf(cfg, tc.audience), maps.Clone(tc.env))
			out, code := ta.runString(t, "acme.jfrog.example\n", "get")
			require.Equal(t, 1, code, out)
			for _, s := range append([]string{"acme (jfrog"}, tc.says...) {
				assert.Contains(t, out, s)
			}
			testkit.AssertNoSecret(t, "answer and log", out+ta.stderr.String(), append(iss.Issued(), iss.RequestToken())...)
			assert.False(t, strings.Contains(out, "jfrog-at-"))
		})
	}
}

// In kubelet service-account mode a keyless entry with `from: auto` trades
// the pod's own token; the pod's next (rotated) token hits the cache, and
// another service account's token buys its own credential.
func TestKeylessKubeletUsesThePodsToken(t *testing.T) {
	iss := oidctest.New(t)
	fake := jfrogtest.New(t)
	builder, tester := "system:serviceaccount:ci:builder", "system:serviceaccount:ci:tester"
	fake.AddIntegration("k8s", jfrogtest.Integration{Issuer: iss.URL, Audience: "jfrog", Mappings: []jfrogtest.Mapping{
		{Name: "b", Subject: builder, Username: "builder"}, {Name: "t", Subject: tester, Username: "tester"}}})
	cfg := fmt.Sprintf("cache: {store: file, dir: %q}\nregistries:\n  - match: acme.jfrog.example\n    jfrog: {url: %q, providerName: k8s}\n", t.TempDir(), fake.URL)
	pull := func(token string) (string, int) {
		ta := newTestApp(t, cfg, nil)
		req := `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest","image":"acme.jfrog.example/team/app","serviceAccountToken":"` + token + `"}`
		out, code := ta.runString(t, req, "kubelet")
		testkit.AssertNoSecret(t, "kubelet log", ta.stderr.String(), append(iss.Issued(), fake.Issued()...)...)
		return out, code
	}
	for i, tc := range []struct {
		sub, user string
		exchanges int
	}{
		{sub: builder, user: `"username":"builder"`, exchanges: 1},
		{sub: builder, user: `"username":"builder"`, exchanges: 1},
		{sub: tester, user: `"username":"tester"`, exchanges: 2},
	} {
		out, code := pull(iss.Token(tc.sub, "jfrog", time.Hour))
		require.Zero(t, code, "pull %d: %s", i, out)
		assert.Contains(t, out, tc.user, "pull %d", i)
		assert.Equal(t, tc.exchanges, fake.Exchanges(), "pull %d", i)
	}
}
