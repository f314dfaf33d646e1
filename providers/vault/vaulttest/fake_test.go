package vaulttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const stsBody = "Action=GetCallerIdentity&Version=2011-06-15"

// signedLogin builds an aws login body: a GetCallerIdentity request signed
// at when with secret, then changed by tamper.
func signedLogin(t *testing.T, secret string, when time.Time, serverID string, tamper func(*http.Request)) map[string]string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "https://sts.amazonaws.com/", strings.NewReader(stsBody))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if serverID != "" {
		req.Header.Set("X-Vault-AWS-IAM-Server-ID", serverID)
	}
	sum := sha256.Sum256([]byte(stsBody))
	creds := aws.Credentials{AccessKeyID: "AKIDFAKE", SecretAccessKey: secret}
	require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", when))
	if tamper != nil {
		tamper(req)
	}
	headers, _ := json.Marshal(req.Header)
	b64 := base64.StdEncoding.EncodeToString
	return map[string]string{
		"role": "builder", "iam_http_request_method": "POST", "iam_request_url": b64([]byte(req.URL.String())),
		"iam_request_body": b64([]byte(stsBody)), "iam_request_headers": b64(headers),
	}
}

func post(t *testing.T, url string, body any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(resp.Body)
	return resp.StatusCode, out.String()
}

// TestAWSLoginChecks proves the fake refuses what STS or Vault refuse.
func TestAWSLoginChecks(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name       string
		secret     string
		when       time.Time
		serverID   string
		tamper     func(*http.Request)
		wantStatus int
		want       string
	}{
		{name: "valid", secret: "s3cret", when: now, serverID: "vault.example.com", wantStatus: 200, want: "client_token"},
		{name: "other key", secret: "guess", when: now, serverID: "vault.example.com", wantStatus: 400, want: "SignatureDoesNotMatch"},
		{name: "header changed after signing", secret: "s3cret", when: now, serverID: "vault.example.com",
			tamper: func(r *http.Request) { r.Header.Set("Content-Type", "text/plain") }, wantStatus: 400, want: "SignatureDoesNotMatch"},
		{name: "server id added unsigned", secret: "s3cret", when: now,
			tamper: func(r *http.Request) { r.Header.Set("X-Vault-AWS-IAM-Server-ID", "vault.example.com") }, wantStatus: 400, want: "wasn't signed"},
		{name: "server id missing", secret: "s3cret", when: now, wantStatus: 400, want: "missing header"},
		{name: "stale date", secret: "s3cret", when: now.Add(-20 * time.Minute), serverID: "vault.example.com", wantStatus: 400, want: "expired"},
		{name: "url changed after signing", secret: "s3cret", when: now, serverID: "vault.example.com",
			tamper: func(r *http.Request) { r.URL.Host = "sts.us-west-2.amazonaws.com" }, wantStatus: 400, want: "scoped to a valid region"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			a := s.Root().EnableAWS("aws")
			a.Key("AKIDFAKE", AWSKey{Secret: "s3cret", ARN: "arn:aws:iam::1:role/builder"})
			a.ServerID("vault.example.com")
			a.Role("builder", AWSRole{TTL: time.Hour})
			status, body := post(t, s.URL+"/v1/auth/aws/login", signedLogin(t, tt.secret, tt.when, tt.serverID, tt.tamper))
			assert.Equal(t, tt.wantStatus, status, "answer %s", body)
			assert.Contains(t, body, tt.want)
		})
	}
}

func TestJWTChecks(t *testing.T) {
	key := NewRSAKey(t)
	good := SignJWT(t, key, map[string]any{"sub": "x", "aud": "v"})
	parts := strings.Split(good, ".")
	none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none"}`)) + "." + parts[1] + "."
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"admin","aud":"v"}`)) + "." + parts[2]
	tests := []struct {
		name, jwt, want string
	}{
		{name: "valid", jwt: good, want: "client_token"},
		{name: "alg none", jwt: none, want: "unsupported signing algorithm"},
		{name: "claims changed", jwt: tampered, want: "failed to verify"},
		{name: "not a jwt", jwt: "abc", want: "malformed token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t)
			s.Root().EnableJWT("jwt", &key.PublicKey).Role("r", JWTRole{BoundAudiences: []string{"v"}, TTL: time.Hour})
			_, body := post(t, s.URL+"/v1/auth/jwt/login", map[string]string{"role": "r", "jwt": tt.jwt})
			assert.Contains(t, body, tt.want)
		})
	}
}

func TestMatchRule(t *testing.T) {
	tests := []struct {
		name, rule, path string
		want             bool
	}{
		{name: "exact", rule: "secret/data/a", path: "secret/data/a", want: true},
		{name: "exact is not prefix", rule: "secret/data/a", path: "secret/data/ab", want: false},
		{name: "glob", rule: "secret/data/*", path: "secret/data/a/b", want: true},
		{name: "glob prefix", rule: "secret/data/a*", path: "secret/data/ab", want: true},
		{name: "plus one segment", rule: "secret/+/a", path: "secret/data/a", want: true},
		{name: "plus not two", rule: "secret/+/a", path: "secret/data/x/a", want: false},
		{name: "plus then glob", rule: "gcp/+/+/token*", path: "gcp/roleset/r/token", want: true},
		{name: "other mount", rule: "secret/*", path: "kv/a", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, matchRule(tt.rule, tt.path))
		})
	}
}

func TestKVMetadata(t *testing.T) {
	s := New(t)
	root := s.Root()
	root.MountKV("secret", 2)
	root.PutKV("secret", "a", map[string]any{"k": "v1"})
	root.PutKV("secret", "a", map[string]any{"k": "v2"})
	root.DeleteKV("secret", "a", 2)
	root.Token("t", 0, "root")
	req, _ := http.NewRequest(http.MethodGet, s.URL+"/v1/secret/metadata/a", nil)
	req.Header.Set("X-Vault-Token", "t")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out struct {
		Data struct {
			CurrentVersion int `json:"current_version"`
			Versions       map[string]struct {
				DeletionTime string `json:"deletion_time"`
			} `json:"versions"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	assert.Equal(t, 2, out.Data.CurrentVersion, "metadata %+v", out.Data)
	assert.Empty(t, out.Data.Versions["1"].DeletionTime, "version 1 is not deleted")
	assert.NotEmpty(t, out.Data.Versions["2"].DeletionTime, "version 2 is deleted")
}
