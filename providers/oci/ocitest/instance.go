package ocitest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// InstanceIdentity is what an OCI compute instance gets from its metadata
// service: a leaf certificate naming its tenancy (in an
// "opc-tenant:<ocid>" subject attribute), the leaf's private key, and the
// intermediate CA that issued it.
type InstanceIdentity struct {
	Tenancy  string
	Instance string
	// Region is what /instance/region answers (a key like "iad").
	Region string

	Leaf    *x509.Certificate
	LeafKey *rsa.PrivateKey
	CA      *x509.Certificate

	CertPEM, KeyPEM, CAPEM []byte
}

// NewInstanceIdentity issues a fresh leaf and CA.
func NewInstanceIdentity(region string) (*InstanceIdentity, error) {
	caKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	leafKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	id := &InstanceIdentity{
		Tenancy:  "ocid1.tenancy.oc1..aaaaaaaafakeinstancetenancy",
		Instance: "ocid1.instance.oc1." + region + ".aaaaaaaafakeinstance",
		Region:   region,
		LeafKey:  leafKey,
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "ocitest intermediate"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	if id.CA, err = x509.ParseCertificate(caDER); err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject: pkix.Name{
			CommonName:         id.Instance,
			OrganizationalUnit: []string{"opc-certtype:instance", "opc-instance:" + id.Instance, "opc-tenant:" + id.Tenancy},
		},
		NotBefore:   now.Add(-time.Hour),
		NotAfter:    now.Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, id.CA, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	if id.Leaf, err = x509.ParseCertificate(leafDER); err != nil {
		return nil, err
	}
	id.CertPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leafDER})
	id.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	id.KeyPEM = PrivatePEM(leafKey)
	return id, nil
}

// FederationKeyID is the key id the SDK signs the federation request
// with: <tenancy>/fed-x509-sha256/<sha256 of the leaf, colon hex>.
func (id *InstanceIdentity) FederationKeyID() string {
	sum := sha256.Sum256(id.Leaf.Raw)
	return id.Tenancy + "/fed-x509-sha256/" + strings.ReplaceAll(fmt.Sprintf("% x", sum), " ", ":")
}
