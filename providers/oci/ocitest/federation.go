package ocitest

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// SessionTTL is how long the fakes' session tokens live.
const SessionTTL = time.Hour

// Federation fakes the auth service's X.509 federation endpoint
// (POST /v1/x509), which trades an instance's certificate for a session
// token. It checks what the service checks: the request is signed by the
// leaf certificate's key under the key id
// <tenancy>/fed-x509-sha256/<fingerprint>, the certificate in the body is
// that leaf and was issued by the intermediate sent along. It then
// registers the session public key from the body in keys, under the
// token it answers.
type Federation struct {
	// URL is the value for OCI_SDK_AUTH_CLIENT_REGION_URL.
	URL string

	rejections

	mu     sync.Mutex
	issued []string
}

type federationRequest struct {
	Certificate              string   `json:"certificate"`
	PublicKey                string   `json:"publicKey"`
	IntermediateCertificates []string `json:"intermediateCertificates"`
}

// NewFederation starts the fake on 127.0.0.1 for the instance id; it
// stops when the test ends.
func NewFederation(t testing.TB, keys *Keys, issuer *Issuer, id *InstanceIdentity) *Federation {
	f := &Federation{}
	leafKeys := NewKeys()
	leafKeys.Add(id.FederationKeyID(), &id.LeafKey.PublicKey)
	v := &Verifier{Keys: leafKeys, WithoutHost: true}
	handler := func(w http.ResponseWriter, r *http.Request, _ string, body []byte) {
		pub, err := checkFederation(body, id)
		if err != nil {
			f.reject(r, err)
			WriteError(w, http.StatusUnauthorized, "NotAuthenticated", err.Error())
			return
		}
		tok := issuer.Token(map[string]any{"sub": id.Instance, "tenant": id.Tenancy, "ptype": "instance"}, SessionTTL)
		keys.AddSession(tok, pub)
		f.mu.Lock()
		f.issued = append(f.issued, tok)
		f.mu.Unlock()
		writeJSON(w, "fake-federation", map[string]string{"token": tok})
	}
	mux := http.NewServeMux()
	mux.Handle("POST /v1/x509", Signed(v, handler, f.reject))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	f.URL = srv.URL
	return f
}

// checkFederation checks the body and returns the session public key.
func checkFederation(body []byte, id *InstanceIdentity) (*rsa.PublicKey, error) {
	var req federationRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, errors.New("body is not a federation request")
	}
	der, err := base64.StdEncoding.DecodeString(req.Certificate)
	if err != nil || !bytes.Equal(der, id.Leaf.Raw) {
		return nil, errors.New("certificate is not the instance's leaf certificate")
	}
	chained := slices.ContainsFunc(req.IntermediateCertificates, func(c string) bool {
		der, err := base64.StdEncoding.DecodeString(c)
		if err != nil {
			return false
		}
		ca, err := x509.ParseCertificate(der)
		return err == nil && id.Leaf.CheckSignatureFrom(ca) == nil
	})
	if !chained {
		return nil, errors.New("no intermediate certificate issued the leaf")
	}
	return parsePublicKey(req.PublicKey)
}

// parsePublicKey reads a base64 DER (PKIX) RSA public key, the PEM body
// the SDK sends without its armour.
func parsePublicKey(b64 string) (*rsa.PublicKey, error) {
	der, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, errors.New("publicKey is not base64")
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, errors.New("publicKey is not a PKIX public key")
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("publicKey is not RSA")
	}
	return pub, nil
}

// Issued returns the session tokens handed out.
func (f *Federation) Issued() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.issued)
}
