package ocitest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The verifier must accept what the SDK's signer produces and refuse
// everything a forger or a broken client could send.
func TestVerifierAgainstSDKSigner(t *testing.T) {
	keys := NewKeys()
	key, err := NewAPIKey(keys)
	require.NoError(t, err)
	stranger, err := NewAPIKey(nil)
	require.NoError(t, err)
	provider := func(k *APIKey, keyOf *APIKey) common.ConfigurationProvider {
		// keyOf's identity (key id), k's private key.
		return common.NewRawConfigurationProvider(keyOf.Tenancy, keyOf.User, "us-ashburn-1", keyOf.Fingerprint, string(PrivatePEM(k.Key)), nil)
	}
	var gotKeyID string
	srv := httptest.NewServer(Signed(&Verifier{Keys: keys}, func(w http.ResponseWriter, _ *http.Request, keyID string, _ []byte) {
		gotKeyID = keyID
	}, nil))
	defer srv.Close()

	tests := []struct {
		name   string
		method string
		body   string
		signer common.HTTPRequestSigner
		tamper func(*http.Request)
		want   int
	}{
		{name: "GET signed by the SDK", method: http.MethodGet, signer: common.DefaultRequestSigner(provider(key, key)), want: 200},
		{name: "POST signed by the SDK", method: http.MethodPost, body: `{"a":1}`, signer: common.DefaultRequestSigner(provider(key, key)), want: 200},
		{name: "unknown key id", method: http.MethodGet, signer: common.DefaultRequestSigner(provider(stranger, stranger)), want: 401},
		{name: "wrong key for the key id", method: http.MethodGet, signer: common.DefaultRequestSigner(provider(stranger, key)), want: 401},
		{name: "path changed after signing", method: http.MethodGet, signer: common.DefaultRequestSigner(provider(key, key)),
			tamper: func(r *http.Request) { r.URL.Path = "/other" }, want: 401},
		{name: "query changed after signing", method: http.MethodGet, signer: common.DefaultRequestSigner(provider(key, key)),
			tamper: func(r *http.Request) { r.URL.RawQuery = "stage=LATEST" }, want: 401},
		{name: "body changed after signing", method: http.MethodPost, body: `{"a":1}`, signer: common.DefaultRequestSigner(provider(key, key)),
			tamper: func(r *http.Request) { r.Body = io.NopCloser(strings.NewReader(`{"a":2}`)) }, want: 401},
		{name: "host not covered", method: http.MethodGet, signer: common.RequestSigner(provider(key, key), []string{"date", "(request-target)"}, nil), want: 401},
		{name: "stale date", method: http.MethodGet, signer: staleSigner{common.DefaultRequestSigner(provider(key, key))}, want: 401},
		{name: "no signature", method: http.MethodGet, signer: nil, want: 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gotKeyID = ""
			req, err := http.NewRequest(tc.method, srv.URL+"/20190301/x?stage=CURRENT", strings.NewReader(tc.body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
			if tc.signer != nil {
				require.NoError(t, tc.signer.Sign(req))
			}
			if tc.tamper != nil {
				tc.tamper(req)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, tc.want, resp.StatusCode, "status")
			if tc.want == 200 {
				assert.Equal(t, key.KeyID(), gotKeyID)
			}
		})
	}
}

// staleSigner signs a request dated ten minutes ago.
type staleSigner struct{ common.HTTPRequestSigner }

func (s staleSigner) Sign(r *http.Request) error {
	r.Header.Set("Date", time.Now().Add(-10*time.Minute).UTC().Format(http.TimeFormat))
	return s.HTTPRequestSigner.Sign(r)
}

func TestParseSignatureRejectsMalformedHeaders(t *testing.T) {
	tests := []struct {
		name string
		h    string
	}{
		{name: "empty", h: ""},
		{name: "basic auth", h: "Basic dXNlcjpwYXNz"},
		{name: "unterminated", h: `Signature version="1,keyId="k"`},
		{name: "missing signature", h: `Signature version="1",keyId="k",algorithm="rsa-sha256",headers="date"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseSignature(tc.h)
			assert.Error(t, err)
		})
	}
}
