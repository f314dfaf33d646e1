package vault

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// setting is a value and where it came from (a config key or a variable),
// so errors can say which one to fix.
type setting struct{ value, from string }

type tlsSettings struct {
	caCert, caPath, serverName, clientCert, clientKey setting
	skipVerify                                        bool
}

// tlsSettings merges the config with the Vault CLI's variables; the
// config wins, and CA and client-certificate settings are taken as a group
// from one place, so a half-configured pair is never mixed.
func (p *Provider) tlsSettings() (tlsSettings, error) {
	c, env := p.cfg, p.deps.Getenv
	var s tlsSettings
	if c.CACert != "" || c.CAPath != "" {
		s.caCert, s.caPath = setting{c.CACert, "caCert"}, setting{c.CAPath, "caPath"}
	} else {
		s.caCert, s.caPath = setting{env("VAULT_CACERT"), "VAULT_CACERT"}, setting{env("VAULT_CAPATH"), "VAULT_CAPATH"}
	}
	if c.ClientCert != "" {
		s.clientCert, s.clientKey = setting{c.ClientCert, "clientCert"}, setting{c.ClientKey, "clientKey"}
	} else {
		s.clientCert, s.clientKey = setting{env("VAULT_CLIENT_CERT"), "VAULT_CLIENT_CERT"}, setting{env("VAULT_CLIENT_KEY"), "VAULT_CLIENT_KEY"}
		if (s.clientCert.value == "") != (s.clientKey.value == "") {
			return s, fmt.Errorf("%w: VAULT_CLIENT_CERT and VAULT_CLIENT_KEY go together (set both or neither)", providers.ErrInvalid)
		}
	}
	s.serverName = setting{c.TLSServerName, "tlsServerName"}
	if s.serverName.value == "" {
		s.serverName = setting{env("VAULT_TLS_SERVER_NAME"), "VAULT_TLS_SERVER_NAME"}
	}
	s.skipVerify = c.TLSSkipVerify
	if v := env("VAULT_SKIP_VERIFY"); v != "" && !s.skipVerify {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return s, fmt.Errorf("%w: VAULT_SKIP_VERIFY is not true or false", providers.ErrInvalid)
		}
		s.skipVerify = b
	}
	return s, nil
}

func (s tlsSettings) empty() bool {
	return s.caCert.value == "" && s.caPath.value == "" && s.serverName.value == "" && s.clientCert.value == "" && !s.skipVerify
}

// httpClient is the injected client with the TLS settings applied and a
// redirect policy that never downgrades to plain HTTP (the token header
// follows redirects). The bool says whether a client certificate is set.
func (p *Provider) httpClient() (*http.Client, bool, error) {
	s, err := p.tlsSettings()
	if err != nil {
		return nil, false, err
	}
	hc := *p.deps.HTTPClient
	hc.CheckRedirect = netdeps.RefuseDowngrade
	if s.empty() {
		return &hc, false, nil
	}
	cfg, err := s.tlsConfig(p.home)
	if err != nil {
		return nil, false, err
	}
	if s.skipVerify {
		p.deps.Logger.Warn("vault: TLS certificate verification is off (tlsSkipVerify or VAULT_SKIP_VERIFY)")
	}
	tr, err := cloneTransport(hc.Transport)
	if err != nil {
		return nil, false, err
	}
	tr.TLSClientConfig = cfg
	hc.Transport = tr
	return &hc, s.clientCert.value != "", nil
}

func cloneTransport(rt http.RoundTripper) (*http.Transport, error) {
	if rt == nil {
		rt = http.DefaultTransport
	}
	tr, ok := rt.(*http.Transport)
	if !ok {
		return nil, fmt.Errorf("%w: the HTTP client's transport (%T) cannot take Vault's TLS settings", providers.ErrInvalid, rt)
	}
	return tr.Clone(), nil
}

func (s tlsSettings) tlsConfig(home func(string) (string, error)) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: s.serverName.value, InsecureSkipVerify: s.skipVerify}
	var err error
	switch {
	case s.caCert.value != "":
		cfg.RootCAs, err = poolFromFiles(s.caCert, home, false)
	case s.caPath.value != "":
		cfg.RootCAs, err = poolFromFiles(s.caPath, home, true)
	}
	if err != nil {
		return nil, err
	}
	if s.clientCert.value != "" {
		cert, err := loadKeyPair(s.clientCert, s.clientKey, home)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// poolFromFiles reads PEM certificates from a file, or from every file of
// a directory (files without certificates are skipped, as the Vault CLI does).
func poolFromFiles(src setting, home func(string) (string, error), dir bool) (*x509.CertPool, error) {
	path, err := home(src.value)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %v", providers.ErrInvalid, src.from, providers.ShowPath(src.value), err)
	}
	files := []string{path}
	if dir {
		if files, err = filepath.Glob(filepath.Join(path, "*")); err != nil || len(files) == 0 {
			return nil, fmt.Errorf("%w: %s %s holds no files", providers.ErrInvalid, src.from, providers.ShowPath(path))
		}
	}
	pool := x509.NewCertPool()
	found := false
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			if dir {
				continue // subdirectories and unreadable strays
			}
			return nil, fmt.Errorf("%w: %s %s: %v", providers.ErrInvalid, src.from, providers.ShowPath(f), errors.Unwrap(err))
		}
		found = pool.AppendCertsFromPEM(data) || found
	}
	if !found {
		return nil, fmt.Errorf("%w: %s %s holds no PEM certificate", providers.ErrInvalid, src.from, providers.ShowPath(path))
	}
	return pool, nil
}

func loadKeyPair(certSrc, keySrc setting, home func(string) (string, error)) (tls.Certificate, error) {
	certPath, err := home(certSrc.value)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%w: %s: %v", providers.ErrInvalid, certSrc.from, err)
	}
	keyPath, err := home(keySrc.value)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%w: %s: %v", providers.ErrInvalid, keySrc.from, err)
	}
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		// LoadX509KeyPair's errors name files and PEM block types, never
		// key material; the file names are shown only when absolute.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return tls.Certificate{}, fmt.Errorf("%w: client certificate (%s %s, %s %s): %v", providers.ErrInvalid,
			certSrc.from, providers.ShowPath(certPath), keySrc.from, providers.ShowPath(keyPath), err)
	}
	return cert, nil
}
