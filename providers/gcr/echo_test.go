package gcr

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// TestImpersonationRefusalNeverQuotesTheCallersToken: an IAM Credentials
// endpoint (a proxy, a misconfigured iamCredentialsEndpoint) that refuses
// quoting the caller's access token — here the federated token STS issued
// for the CI job — is classified, and the quote withheld: a CI log is
// often public, and that token is good for an hour.
func TestImpersonationRefusalNeverQuotesTheCallersToken(t *testing.T) {
	w := newKeylessWorld(t)
	var quoted []string
	echo := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		quoted = append(quoted, tok)
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(rw).Encode(map[string]any{"error": map[string]any{
			"code": 403, "status": "PERMISSION_DENIED", "message": "Permission denied for caller token " + tok,
		}})
	}))
	t.Cleanup(echo.Close)
	cfg := w.cfg(idtoken.Config{From: "github"}, ciTarget)
	cfg.STSEndpoint, cfg.IAMCredentialsEndpoint = w.srv.URL, echo.URL
	_, err := w.h.provider(t, cfg).Credential(context.Background(), providers.Request{Registry: "gcr.io", Pattern: "gcr.io"})
	testkit.WantErr(t, err, providers.ErrDenied, "may not impersonate "+ciTarget, providers.Withheld)
	testkit.AssertNoSecret(t, "error and log", err.Error()+w.h.logs.String(), append(append(quoted, w.iss.Issued()...), w.srv.IssuedTokens()...)...)
}
