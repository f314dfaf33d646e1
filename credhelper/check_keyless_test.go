package credhelper

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/jfrog/jfrogtest"
)

// `check` says where a keyless entry's identity token comes from and, with
// --verify, its claims; never the token.
func TestCheckShowsTheIdentityToken(t *testing.T) {
	iss := oidctest.New(t)
	fake := jfrogtest.New(t)
	fake.AddIntegration("gh", jfrogtest.Integration{Issuer: iss.URL, Audience: "jfrog", Mappings: []jfrogtest.Mapping{{Subject: iss.Subject, Username: "ci"}}})
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "ci" || !slices.Contains(fake.Issued(), p) {
			w.Header().Set("WWW-Authenticate", `Basic realm="jfrog"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(reg.Close)
	addr := reg.Listener.Addr().String()
	cfg := fmt.Sprintf("cache: {store: none}\nregistries:\n  - match: %q\n    jfrog: {url: %q, providerName: gh, idToken: {audience: jfrog}}\n", addr, fake.URL)

	ta := newTestApp(t, cfg, maps.Clone(iss.GitHubEnv()))
	out, code := ta.runString(t, "", "check", "--verify", "--allow-http", addr)
	require.Zero(t, code, out)
	for _, want := range []string{
		`from GitHub Actions' ID token endpoint ($ACTIONS_ID_TOKEN_REQUEST_URL), audience "jfrog"`,
		fmt.Sprintf(`iss %q, sub %q, aud "jfrog", exp `, iss.URL, iss.Subject),
	} {
		assert.Contains(t, out, want)
	}
	secrets := append(append(iss.Issued(), fake.Issued()...), iss.RequestToken())
	testkit.AssertNoSecret(t, "check output", out+ta.stderr.String(), secrets...)

	out, code = ta.runString(t, "", "check", "--output", "json", "--verify", "--allow-http", addr)
	require.Zero(t, code, out)
	assert.Contains(t, out, `"identityToken": {`)
	assert.Contains(t, out, `"sub": "`+iss.Subject+`"`)
	testkit.AssertNoSecret(t, "check json", out, secrets...)

	ta = newTestApp(t, cfg, map[string]string{"GITHUB_ACTIONS": "true"})
	out, code = ta.runString(t, "", "check", addr)
	require.Equal(t, 1, code, out)
	assert.Contains(t, out, "permissions: id-token: write")
}
