package vaulttest

import (
	"crypto/x509"
	"encoding/json"
	"net/http"
	"slices"
	"time"
)

// Cert is a TLS certificate auth mount. It needs a server started WithTLS.
type Cert struct {
	n     *Namespace
	roles map[string]CertRole
}

// CertRole trusts client certificates issued by CA.
type CertRole struct {
	CA       *CA
	TTL      time.Duration
	Policies []string
}

// EnableCert enables cert auth at auth/<mount>.
func (n *Namespace) EnableCert(mount string) *Cert {
	c := &Cert{n: n, roles: map[string]CertRole{}}
	n.locked(func() { n.auths[mount] = c })
	return c
}

// Role adds a certificate role.
func (c *Cert) Role(name string, r CertRole) { c.n.locked(func() { c.roles[name] = r }) }

// login verifies the connection's client certificate against the named
// role's CA, or every role's when no name is given.
func (c *Cert) login(n *Namespace, r *http.Request, body []byte) answer {
	var in struct {
		Name string `json:"name"`
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			return errs(http.StatusBadRequest, "failed to parse JSON input: "+err.Error())
		}
	}
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return errs(http.StatusBadRequest, "client certificate must be supplied")
	}
	names := []string{in.Name}
	if in.Name == "" {
		names = slices.Sorted(mapKeys(c.roles))
	}
	for _, name := range names {
		role, ok := c.roles[name]
		if ok && verifyClient(r.TLS.PeerCertificates, role.CA, n.s.now()) {
			return n.issue(role.Policies, role.TTL, map[string]string{"cert_name": name, "common_name": r.TLS.PeerCertificates[0].Subject.CommonName})
		}
	}
	return errs(http.StatusBadRequest, "invalid certificate or no client certificate supplied")
}

func verifyClient(chain []*x509.Certificate, ca *CA, now time.Time) bool {
	roots := x509.NewCertPool()
	roots.AddCert(ca.Cert)
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	_, err := chain[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	return err == nil
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
