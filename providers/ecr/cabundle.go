package ecr

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/regcred/regcred/providers"
)

// httpClient is the client every SDK client of this backend sends with:
// deps.HTTPClient, trusting only the AWS CA bundle when one is set
// (AWS_CA_BUNDLE, else the profile's ca_bundle), as the AWS CLI and SDKs
// do behind a TLS-inspecting proxy. The SDK applies the bundle to its own
// client only, which this backend replaces. It returns the bundle's path,
// "" for none.
func (p *Provider) httpClient(shared *config.SharedConfig) (*http.Client, string, error) {
	path, _ := p.deps.LookupEnv("AWS_CA_BUNDLE")
	if path == "" && shared != nil {
		path = shared.CustomCABundle
	}
	if path == "" {
		return p.deps.HTTPClient, "", nil
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("the AWS CA bundle %s: %w: %w", path, err, providers.ErrInvalid)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, "", fmt.Errorf("the AWS CA bundle %s holds no PEM certificate: %w", path, providers.ErrInvalid)
	}
	tr, err := transportOf(p.deps.HTTPClient)
	if err != nil {
		return nil, "", err
	}
	if tr.TLSClientConfig == nil {
		tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tr.TLSClientConfig.RootCAs = pool
	c := *p.deps.HTTPClient
	c.Transport = tr
	return &c, path, nil
}

// transportOf is a copy of c's transport, to change its TLS roots.
func transportOf(c *http.Client) (*http.Transport, error) {
	switch tr := c.Transport.(type) {
	case nil:
		return http.DefaultTransport.(*http.Transport).Clone(), nil
	case *http.Transport:
		tr = tr.Clone()
		if tr.TLSClientConfig != nil {
			tr.TLSClientConfig = tr.TLSClientConfig.Clone()
		}
		return tr, nil
	}
	return nil, fmt.Errorf("an AWS CA bundle cannot be added to an HTTP client with a %T transport: %w", c.Transport, providers.ErrInvalid)
}
