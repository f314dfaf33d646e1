package ocitest

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// APIKey is an OCI user's API signing key, as `oci setup keys` makes it.
type APIKey struct {
	Tenancy     string
	User        string
	Fingerprint string
	Key         *rsa.PrivateKey
}

// NewAPIKey makes a fresh 2048-bit key for a made-up user and registers
// its public half in keys.
func NewAPIKey(keys *Keys) (*APIKey, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	fp, err := Fingerprint(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	a := &APIKey{
		Tenancy:     "ocid1.tenancy.oc1..aaaaaaaafaketenancy",
		User:        "ocid1.user.oc1..aaaaaaaafakeuser",
		Fingerprint: fp,
		Key:         key,
	}
	if keys != nil {
		keys.Add(a.KeyID(), &key.PublicKey)
	}
	return a, nil
}

// KeyID is what the SDK puts in the signature: tenancy/user/fingerprint.
func (a *APIKey) KeyID() string {
	return a.Tenancy + "/" + a.User + "/" + a.Fingerprint
}

// Fingerprint is OCI's API-key fingerprint: the MD5 of the public key's
// DER encoding, as colon-separated hex.
func Fingerprint(pub *rsa.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := md5.Sum(der)
	return strings.ReplaceAll(fmt.Sprintf("% x", sum), " ", ":"), nil
}

// PrivatePEM is the key in PKCS#1 PEM, as OCI's tools write it.
func PrivatePEM(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// Profile is one section of an OCI config file.
type Profile struct {
	Name   string // default DEFAULT
	Region string // may be empty
	// SecurityTokenFile makes it a session-token profile.
	SecurityTokenFile string
}

// WriteConfig writes the private key and an OCI config file with the
// given profiles into dir, and returns the config file's path.
func (a *APIKey) WriteConfig(dir string, profiles ...Profile) (string, error) {
	keyPath := filepath.Join(dir, "oci_api_key.pem")
	if err := os.WriteFile(keyPath, PrivatePEM(a.Key), 0o600); err != nil {
		return "", err
	}
	if len(profiles) == 0 {
		profiles = []Profile{{}}
	}
	var b strings.Builder
	for _, p := range profiles {
		name := p.Name
		if name == "" {
			name = "DEFAULT"
		}
		fmt.Fprintf(&b, "[%s]\nuser=%s\nfingerprint=%s\ntenancy=%s\nkey_file=%s\n", name, a.User, a.Fingerprint, a.Tenancy, keyPath)
		if p.Region != "" {
			fmt.Fprintf(&b, "region=%s\n", p.Region)
		}
		if p.SecurityTokenFile != "" {
			fmt.Fprintf(&b, "security_token_file=%s\n", p.SecurityTokenFile)
		}
		b.WriteString("\n")
	}
	path := filepath.Join(dir, "config")
	return path, os.WriteFile(path, []byte(b.String()), 0o600)
}
