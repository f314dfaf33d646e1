package gcrtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// account is what the server knows of a service account: its public keys
// by key id. Private keys stay with the ServiceAccount handles.
type account struct {
	keys map[string]*rsa.PublicKey
}

// ServiceAccount is one key of a service account, as in the JSON key file
// Google lets one download.
type ServiceAccount struct {
	Email     string
	ProjectID string
	KeyID     string
	Key       *rsa.PrivateKey
	server    *Server
}

// NewServiceAccount registers the account (if new) and a fresh RSA key for
// it, and returns that key.
func (s *Server) NewServiceAccount(t testing.TB, email string) *ServiceAccount {
	t.Helper()
	sa := &ServiceAccount{Email: email, ProjectID: projectOf(email), KeyID: randomHex(20), Key: newKey(t), server: s}
	s.mu.Lock()
	defer s.mu.Unlock()
	acct := s.accounts[email]
	if acct == nil {
		acct = &account{keys: map[string]*rsa.PublicKey{}}
		s.accounts[email] = acct
	}
	acct.keys[sa.KeyID] = &sa.Key.PublicKey
	return sa
}

// Forged returns a handle with this key's e-mail and key id but a private
// key the server never saw: what a stolen key id with a wrong key, or a
// key file edited by hand, looks like.
func (sa *ServiceAccount) Forged(t testing.TB) *ServiceAccount {
	t.Helper()
	f := *sa
	f.Key = newKey(t)
	return &f
}

// DeleteKey removes the key from the account, as `gcloud iam
// service-accounts keys delete` does; the account itself stays.
func (sa *ServiceAccount) DeleteKey() {
	sa.server.mu.Lock()
	defer sa.server.mu.Unlock()
	if acct := sa.server.accounts[sa.Email]; acct != nil {
		delete(acct.keys, sa.KeyID)
	}
}

// DeleteAccount removes the service account and all its keys.
func (sa *ServiceAccount) DeleteAccount() {
	sa.server.mu.Lock()
	defer sa.server.mu.Unlock()
	delete(sa.server.accounts, sa.Email)
}

// KeyJSON is the service-account key file, with `token_uri` pointing at the
// fake token endpoint.
func (sa *ServiceAccount) KeyJSON() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(sa.Key)
	if err != nil {
		panic(err) // an *rsa.PrivateKey always marshals
	}
	return mustJSON(map[string]string{
		"type":                        "service_account",
		"project_id":                  sa.ProjectID,
		"private_key_id":              sa.KeyID,
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                sa.Email,
		"client_id":                   "1" + randomDigits(20),
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   sa.server.TokenURL(),
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"universe_domain":             "googleapis.com",
	})
}

// WriteKeyFile writes KeyJSON to dir (mode 0600) and returns its path.
func (sa *ServiceAccount) WriteKeyFile(t testing.TB, dir string) string {
	t.Helper()
	return WriteFile(t, filepath.Join(dir, sa.KeyID+".json"), sa.KeyJSON())
}

// WriteFile writes data to path with mode 0600, creating the directory.
func WriteFile(t testing.TB, path string, data []byte) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o700))
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path
}

func newKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	return k
}

// projectOf reads the project from "name@project.iam.gserviceaccount.com".
func projectOf(email string) string {
	_, domain, _ := strings.Cut(email, "@")
	project, _, _ := strings.Cut(domain, ".")
	return project
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func randomDigits(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = '0' + b[i]%10
	}
	return string(b)
}

func mustJSON(v any) []byte {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		panic(err) // only maps of strings and nested maps are marshalled here
	}
	return b
}
