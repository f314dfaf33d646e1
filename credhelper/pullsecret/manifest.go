package pullsecret

import (
	"bytes"
	"encoding/base64"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Type is the Secret type the kubelet reads image pull credentials from.
const Type = "kubernetes.io/dockerconfigjson"

// DataKey is the Secret data key of a Type secret.
const DataKey = ".dockerconfigjson"

// ManagedByLabel and ManagedBy mark the secrets regcred-controller created;
// it never touches a secret without them.
const (
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedBy      = "regcred"
)

// ValidName checks a Secret name (a DNS subdomain, at most 253 characters).
func ValidName(name string) error {
	if len(name) > 253 || !isDNSSubdomain(name) {
		return fmt.Errorf("%w: secret name %q is not a DNS subdomain (lower-case letters, digits, '-' and '.')", ErrInvalid, name)
	}
	return nil
}

// ValidNamespace checks a namespace name (a DNS label, at most 63 characters).
func ValidNamespace(ns string) error {
	if len(ns) > 63 || !isDNSLabel(ns) {
		return fmt.Errorf("%w: namespace %q is not a DNS label (lower-case letters, digits and '-')", ErrInvalid, ns)
	}
	return nil
}

// manifest is the Secret as kubectl and GitOps tools read it; the fields
// are in the order `kubectl get -o yaml` prints them.
type manifest struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   metadata          `yaml:"metadata"`
	Type       string            `yaml:"type"`
	Data       map[string]string `yaml:"data"`
}

type metadata struct {
	Name      string            `yaml:"name"`
	Namespace string            `yaml:"namespace"`
	Labels    map[string]string `yaml:"labels,omitempty"`
}

// Manifest is the YAML of a Type Secret named name in namespace, holding
// auths. labels may be nil.
func Manifest(name, namespace string, labels map[string]string, auths []Auth) ([]byte, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	if err := ValidNamespace(namespace); err != nil {
		return nil, err
	}
	doc, err := DockerConfigJSON(auths)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2) // as kubectl prints
	err = enc.Encode(manifest{
		APIVersion: "v1", Kind: "Secret",
		Metadata: metadata{Name: name, Namespace: namespace, Labels: labels},
		Type:     Type,
		Data:     map[string]string{DataKey: base64.StdEncoding.EncodeToString(doc)},
	})
	if err != nil {
		return nil, fmt.Errorf("writing the manifest: %w", err)
	}
	return b.Bytes(), enc.Close()
}
