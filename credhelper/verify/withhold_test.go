package verify_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/verify"
	"github.com/regcred/regcred/providers"
)

// TestShortSecretWithholdsFieldsNotLetters: with a one-letter password,
// a registry message that holds the letter is withheld whole, and nothing
// else in the Result (a message without it, the endpoint, the text regcred
// writes itself) loses a letter.
func TestShortSecretWithholdsFieldsNotLetters(t *testing.T) {
	tests := []struct {
		name, message, wantDetail string
	}{
		{name: "message holding the letter", message: "authentication required, please supply a password",
			wantDetail: "the registry refused the username and password: HTTP 401 (UNAUTHORIZED: " + providers.Withheld + ")"},
		{name: "message without it", message: "authentication required",
			wantDetail: "the registry refused the username and password: HTTP 401 (UNAUTHORIZED: authentication required)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
				fmt.Fprintf(w, `{"errors":[{"code":"UNAUTHORIZED","message":%q}]}`, tt.message)
			}))
			defer srv.Close()
			reg := srv.Listener.Addr().String()
			res := verify.Checker{}.Check(context.Background(), verify.Request{Registry: reg, Username: "u", Secret: "p"})
			require.Equal(t, verify.Rejected, res.Status, "result %+v", res)
			require.Equal(t, "http://"+reg, res.Endpoint, "result %+v", res)
			assert.Equal(t, tt.wantDetail, res.Detail, "detail")
		})
	}
}
