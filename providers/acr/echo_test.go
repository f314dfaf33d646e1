package acr

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/oidctest"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
	"github.com/regcred/regcred/providers/netdeps"
)

// echoingAuthority is an authority (a proxy, a misconfigured
// authorityHost) that refuses every login quoting what it was sent: the
// client assertion or the client secret. Whatever it quotes must not reach
// an error or a log: a CI job's log is often public, and an identity token
// in it can be replayed until it expires.
func echoingAuthority(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		base := srv.URL + "/" + r.PathValue("tenant")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"token_endpoint": base + "/oauth2/v2.0/token", "authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"issuer": base + "/v2.0", "token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt"},
		})
	})
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"error":             "invalid_client",
			"error_description": "AADSTS50027: bad credential " + r.PostForm.Get("client_assertion") + r.PostForm.Get("client_secret"),
		})
	})
	srv = httptest.NewTLSServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// TestRefusalNeverQuotesTheCredential: an authority's refusal that quotes
// the identity token or the client secret is classified, and the quote
// withheld.
func TestRefusalNeverQuotesTheCredential(t *testing.T) {
	const tenant, client = "00000000-0000-0000-0000-0000000000ee", "00000000-0000-0000-0000-0000000000aa"
	srv := echoingAuthority(t)
	iss := oidctest.New(t)
	token := iss.Token(iss.Subject, ExchangeAudience, time.Hour)
	const secret = "s3cr3t~ValueOfTheClientSecret.0123456789"
	for _, tc := range []struct {
		name string
		cfg  Config
		env  testkit.Env
	}{
		{name: "identity token", cfg: Config{IDToken: &idtoken.Config{Env: "CI_TOKEN"}}, env: testkit.Env{"CI_TOKEN": token}},
		{name: "client secret", env: testkit.Env{"AZURE_CLIENT_SECRET": secret}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.TenantID, cfg.ClientID, cfg.AuthorityHost = tenant, client, srv.URL+"/"
			logger, logs := testkit.DebugLogger()
			p, err := New(cfg, netdeps.Deps{HTTPClient: srv.Client(), Deps: providers.Deps{Now: time.Now, LookupEnv: tc.env.Lookup, Logger: logger}})
			require.NoError(t, err, "New")
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_, err = p.Credential(ctx, providers.Request{Registry: "myreg.azurecr.io", Pattern: "*.azurecr.io"})
			// A JWT is longer than a message's 300 characters, so only the
			// withholding, not the scan, tells its start did not leak.
			testkit.WantErr(t, err, providers.ErrDenied, "invalid_client", providers.Withheld)
			testkit.AssertNoSecret(t, "error and log", err.Error()+logs.String(), token, secret)
		})
	}
}
