package acrtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fakes refuse what the real services refuse: a fake that accepted
// anything would prove nothing.

func post(t *testing.T, c *http.Client, u string, form url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "answer %s", b)
	return resp.StatusCode, m
}

func TestExchangeAcceptsOnlyLiveTokensEntraIssued(t *testing.T) {
	c := New(t)
	reg := c.NewRegistry(t, RegistryOptions{Name: "myreg.azurecr.io"})
	app := c.Entra.NewApp("")
	reg.GrantPull(app.ClientID)
	other := c.Entra.NewApp("")
	now := time.Now()
	c.SetClock(func() time.Time { return now })
	good := c.Entra.mint(Issued{Tenant: app.Tenant, ClientID: app.ClientID, Audience: RegistryAudience, Via: "test"})
	tests := []struct {
		name   string
		form   url.Values
		later  time.Duration
		status int
		says   string
	}{
		{name: "a live token of a puller", form: url.Values{"access_token": {good}, "tenant": {app.Tenant}}, status: 200},
		{name: "a token Entra never issued", form: url.Values{"access_token": {good[:len(good)-4] + "AAAA"}}, status: 401, says: "verify"},
		{name: "an expired token", form: url.Values{"access_token": {good}}, later: 2 * time.Hour, status: 401, says: "expired"},
		{name: "another audience", form: url.Values{"access_token": {c.Entra.mint(Issued{Tenant: app.Tenant, ClientID: app.ClientID, Audience: "https://vault.azure.net"})}}, status: 401, says: "audience"},
		{name: "another tenant", form: url.Values{"access_token": {good}, "tenant": {other.Tenant}}, status: 401, says: "tenant"},
		{name: "a principal without AcrPull", form: url.Values{"access_token": {c.Entra.mint(Issued{Tenant: other.Tenant, ClientID: other.ClientID, Audience: RegistryAudience})}}, status: 401, says: "permission"},
		{name: "another registry's service", form: url.Values{"access_token": {good}, "service": {"other.azurecr.io"}}, status: 400, says: "not this registry"},
		{name: "another grant", form: url.Values{"access_token": {good}, "grant_type": {"password"}}, status: 400, says: "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c.SetClock(func() time.Time { return now.Add(tt.later) })
			form := url.Values{"grant_type": {"access_token"}, "service": {reg.Host}}
			for k, v := range tt.form {
				form[k] = v
			}
			status, body := post(t, c.Client(), "https://"+reg.Host+"/oauth2/exchange", form)
			require.Equal(t, tt.status, status, "answer %v", body)
			if status == 200 {
				ref, ok := reg.Lookup(body["refresh_token"].(string))
				require.True(t, ok)
				assert.Equal(t, app.ClientID, ref.ClientID)
				assert.Equal(t, now.Add(RefreshLifetime).Truncate(time.Second), ref.Expires)
				return
			}
			b, _ := json.Marshal(body)
			assert.Contains(t, string(b), tt.says)
		})
	}
}

func TestEntraChecksTheClientsProof(t *testing.T) {
	c := New(t)
	app := c.Entra.NewApp("")
	secret := app.NewSecret()
	token := c.Entra.URL + "/" + app.Tenant + "/oauth2/v2.0/token"
	base := url.Values{"grant_type": {"client_credentials"}, "client_id": {app.ClientID}, "scope": {RegistryAudience + "/.default"}}
	with := func(kv ...string) url.Values {
		f := url.Values{}
		for k, v := range base {
			f[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	tests := []struct {
		name   string
		url    string
		form   url.Values
		status int
		says   string
	}{
		{name: "the secret", url: token, form: with("client_secret", secret), status: 200},
		{name: "a wrong secret", url: token, form: with("client_secret", secret+"x"), status: 401, says: "AADSTS7000215"},
		{name: "no proof", url: token, form: base, status: 401, says: "AADSTS7000218"},
		{name: "another tenant", url: c.Entra.URL + "/" + c.Entra.NewApp("").Tenant + "/oauth2/v2.0/token", form: with("client_secret", secret), status: 400, says: "AADSTS700016"},
		{name: "a scope without /.default", url: token, form: with("scope", RegistryAudience), status: 400, says: "AADSTS1002012"},
		{name: "an assertion without its type", url: token, form: with("client_assertion", "a.b.c"), status: 401, says: "AADSTS7000218"},
		{name: "a malformed assertion", url: token, form: with("client_assertion_type", AssertionType, "client_assertion", "not.a.jwt"), status: 400, says: "AADSTS50027"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := post(t, c.Client(), tt.url, tt.form)
			require.Equal(t, tt.status, status, "answer %v", body)
			if status == 200 {
				i, ok := c.Entra.Lookup(body["access_token"].(string))
				require.True(t, ok)
				assert.Equal(t, app.ClientID, i.ClientID)
				return
			}
			assert.Contains(t, body["error_description"], tt.says)
		})
	}
}

func TestIMDSWantsTheMetadataHeader(t *testing.T) {
	c := New(t)
	id := c.IMDS.AssignSystem()
	get := func(header bool, query string) (int, map[string]any) {
		req, err := http.NewRequest(http.MethodGet, "http://169.254.169.254/metadata/identity/oauth2/token?"+query, nil)
		require.NoError(t, err)
		if header {
			req.Header.Set("Metadata", "true")
		}
		resp, err := c.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return resp.StatusCode, m
	}
	q := "api-version=2018-02-01&resource=" + url.QueryEscape(RegistryAudience)
	status, body := get(false, q)
	assert.Equal(t, 400, status)
	assert.Contains(t, body["error_description"], "metadata header")
	status, body = get(true, "api-version=2018-02-01")
	assert.Equal(t, 400, status)
	assert.Contains(t, body["error_description"], "resource")
	for _, v := range []string{"2017-12-01", "latest", "2018-2-1"} {
		status, body = get(true, "api-version="+v+"&resource="+url.QueryEscape(RegistryAudience))
		assert.Equal(t, 400, status, "api-version %s", v)
		assert.Contains(t, body["error_description"], "api-version", "api-version %s", v)
	}
	status, body = get(true, q+"&client_id=11111111-2222-3333-4444-555555555555")
	assert.Equal(t, 400, status)
	assert.Contains(t, body["error_description"], "Identity not found")
	status, body = get(true, q)
	require.Equal(t, 200, status, "answer %v", body)
	i, ok := c.Entra.Lookup(body["access_token"].(string))
	require.True(t, ok)
	assert.Equal(t, id, i.ClientID)
	assert.Equal(t, "managed_identity", i.Via)
}
