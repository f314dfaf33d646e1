package ocitest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// ProxymuxPort is the port the SDK sends OKE workload-identity exchanges
// to, on $KUBERNETES_SERVICE_HOST. The SDK fixes it; nothing moves it.
const ProxymuxPort = "12250"

// Proxymux fakes an OKE cluster's workload-identity endpoint
// (POST https://<host>:12250/resourcePrincipalSessionTokens). It takes the
// pod's service-account token as a bearer token, checks it is the one it
// was given, and answers, as OKE does, a quoted base64 JSON document
// {"token": "ST$<token>"}, registering the pod's public key (podKey) in
// keys under that token.
type Proxymux struct {
	// CACertPath is the value for OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH:
	// the fake's TLS certificate.
	CACertPath string
	// Host is the value for KUBERNETES_SERVICE_HOST.
	Host string

	exchanges atomic.Int64
}

// NewProxymux starts the fake with TLS on 127.0.0.1:12250. It fails when
// the port is taken; callers usually skip then.
func NewProxymux(t testing.TB, keys *Keys, issuer *Issuer, saToken string) (*Proxymux, error) {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", ProxymuxPort))
	if err != nil {
		return nil, fmt.Errorf("the SDK's fixed proxymux port is not free: %w", err)
	}
	p := &Proxymux{Host: "127.0.0.1"}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /resourcePrincipalSessionTokens", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+saToken {
			WriteError(w, http.StatusUnauthorized, "NotAuthenticated", "service account token refused")
			return
		}
		var body struct {
			PodKey string `json:"podKey"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			WriteError(w, http.StatusBadRequest, "InvalidParameter", "body is not JSON")
			return
		}
		pub, err := pemPublicKey(body.PodKey)
		if err != nil {
			WriteError(w, http.StatusBadRequest, "InvalidParameter", err.Error())
			return
		}
		tok := issuer.Token(map[string]any{"sub": "system:serviceaccount:default:app", "res_tenant": "ocid1.tenancy.oc1..aaaaaaaafakeoketenancy", "ptype": "workload"}, SessionTTL)
		keys.AddSession(tok, pub)
		p.exchanges.Add(1)
		doc, _ := json.Marshal(map[string]string{"token": "ST$" + tok})
		_, _ = fmt.Fprintf(w, "%q", base64.StdEncoding.EncodeToString(doc))
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener.Close()
	srv.Listener = l
	srv.StartTLS()
	t.Cleanup(srv.Close)
	p.CACertPath = filepath.Join(t.TempDir(), "ca.crt")
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p.CACertPath, ca, 0o600); err != nil {
		return nil, err
	}
	return p, nil
}

// Exchanges counts the tokens handed out.
func (p *Proxymux) Exchanges() int { return int(p.exchanges.Load()) }

func pemPublicKey(s string) (*rsa.PublicKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("podKey is not PEM")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, errors.New("podKey is not a public key")
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("podKey is not RSA")
	}
	return pub, nil
}
