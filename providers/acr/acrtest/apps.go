package acrtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition (RFC 7515)
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// App is an application (service principal) registered in a tenant: what
// it may authenticate with.
type App struct {
	Tenant   string
	ClientID string
	entra    *Entra
	secret   string
	certs    []*x509.Certificate
	fed      []federation
}

// federation is a federated identity credential: the issuer, subject and
// audience a presented token must carry.
type federation struct{ issuer, subject, audience string }

// NewApp registers an application in tenant ("" for a new tenant).
func (e *Entra) NewApp(tenant string) *App {
	if tenant == "" {
		tenant = uuid.NewString()
	}
	a := &App{Tenant: tenant, ClientID: uuid.NewString(), entra: e}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.apps[a.ClientID] = a
	return a
}

// NewSecret gives the app a client secret and returns it.
func (a *App) NewSecret() string {
	s := "sec~" + rand.Text()
	a.entra.mu.Lock()
	defer a.entra.mu.Unlock()
	a.secret = s
	return s
}

// NewCertificate registers a new certificate on the app and writes it with
// its private key as PEM to dir; it returns the file's path.
func (a *App) NewCertificate(t testing.TB, dir string) string {
	t.Helper()
	path, cert := writeCertificate(t, dir, "sp-"+a.ClientID[:8]+".pem")
	a.entra.mu.Lock()
	defer a.entra.mu.Unlock()
	a.certs = append(a.certs, cert)
	return path
}

// Federate trusts the tokens issuer signs for subject (a federated
// identity credential: issuer, subject, audience api://AzureADTokenExchange).
func (a *App) Federate(issuer *Issuer, subject string) {
	a.FederateIssuer(issuer.URL, subject, ExchangeAudience)
}

// FederateIssuer adds a federated identity credential for any OIDC issuer
// (a CI's): Entra fetches its discovery document and JWKS to verify the
// tokens it signs, and takes those whose sub and aud match.
func (a *App) FederateIssuer(issuer, subject, audience string) {
	a.entra.mu.Lock()
	defer a.entra.mu.Unlock()
	a.fed = append(a.fed, federation{issuer: issuer, subject: subject, audience: audience})
}

// UnregisteredCertificate writes a certificate and key Entra does not
// know, to prove a signature with the wrong key is refused.
func UnregisteredCertificate(t testing.TB, dir string) string {
	t.Helper()
	path, _ := writeCertificate(t, dir, "unregistered.pem")
	return path
}

func writeCertificate(t testing.TB, dir, name string) (string, *x509.Certificate) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "regcred test service principal"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	data := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})...)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, data, 0o600))
	return path, cert
}

// certByThumbprint finds the app's certificate a client assertion names.
func (a *App) certByThumbprint(x5tS256, x5t string) *x509.Certificate {
	a.entra.mu.Lock()
	defer a.entra.mu.Unlock()
	for _, c := range a.certs {
		s256 := sha256.Sum256(c.Raw)
		s1 := sha1.Sum(c.Raw) //nolint:gosec // see the import
		if x5tS256 != "" && (x5tS256 == base64.StdEncoding.EncodeToString(s256[:]) || x5tS256 == base64.RawURLEncoding.EncodeToString(s256[:])) {
			return c
		}
		if x5t != "" && (x5t == base64.StdEncoding.EncodeToString(s1[:]) || x5t == base64.RawURLEncoding.EncodeToString(s1[:])) {
			return c
		}
	}
	return nil
}

// federations are the app's federated credentials for issuer.
func (a *App) federations(issuer string) []federation {
	a.entra.mu.Lock()
	defer a.entra.mu.Unlock()
	var out []federation
	for _, f := range a.fed {
		if f.issuer == issuer {
			out = append(out, f)
		}
	}
	return out
}

// String names the app without any secret.
func (a *App) String() string { return fmt.Sprintf("app %s in %s", a.ClientID, a.Tenant) }
