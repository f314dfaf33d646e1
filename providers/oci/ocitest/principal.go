package ocitest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
)

// ResourcePrincipal makes the environment a resource principal
// (version 2.2) runs with, as OCI Functions and Container Instances set
// it: a session token (RPST) and its private key given inline, and the
// region. The key's public half is registered in keys under the token.
func ResourcePrincipal(keys *Keys, issuer *Issuer, region string) (map[string]string, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	rpst := issuer.Token(map[string]any{
		"sub":             "ocid1.fnfunc.oc1.iad.aaaaaaaafakefunction",
		"res_tenant":      "ocid1.tenancy.oc1..aaaaaaaafakerptenancy",
		"res_compartment": "ocid1.compartment.oc1..aaaaaaaafakecompartment",
		"ptype":           "resource",
	}, SessionTTL)
	keys.AddSession(rpst, &key.PublicKey)
	return map[string]string{
		"OCI_RESOURCE_PRINCIPAL_VERSION":     "2.2",
		"OCI_RESOURCE_PRINCIPAL_RPST":        rpst,
		"OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"OCI_RESOURCE_PRINCIPAL_REGION":      region,
	}, nil
}
