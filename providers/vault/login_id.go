package vault

import (
	"crypto/sha256"
	"encoding/hex"
	"os"

	"github.com/regcred/regcred/providers"
)

// loginID names a login in the token cache: the server, namespace, auth
// mount and method, and a hash of what the login presents (role, role ID,
// secret ID, JWT; the AWS identity; the client certificate), so a login
// with other credentials never reuses this one's token. No part holds a
// secret in clear.
func (p *Provider) loginID(c *client, lr loginRequest) providers.LoginID {
	method, mount := p.cfg.Method(), "auth/"+p.cfg.AuthMount()
	sum := sha256.Sum256(lr.presents)
	return providers.LoginID{
		Parts: []string{"vault", c.address, c.namespace, mount, method, hex.EncodeToString(sum[:])},
		Label: "vault " + method + " login at " + c.address + " (" + mount + ")",
	}
}

// clientCertificate reads the client certificate the TLS settings name,
// for the cert login's identity.
func (p *Provider) clientCertificate() ([]byte, error) {
	s, err := p.tlsSettings()
	if err != nil {
		return nil, err
	}
	path, err := p.home(s.clientCert.value)
	if err != nil {
		return nil, err
	}
	cert, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(s.clientCert.from, path, err)
	}
	return cert, nil
}
