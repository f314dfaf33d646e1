package check

import (
	"bytes"
	"fmt"

	"github.com/regcred/regcred/credhelper/kubeletconfig"
	"github.com/regcred/regcred/providers"
)

// maxKubeletConfigSize bounds the CredentialProviderConfig read by check.
const maxKubeletConfigSize = 1 << 20

// KubeletReport is what `check --kubelet-config` found in the kubelet's
// CredentialProviderConfig.
type KubeletReport struct {
	Path      string            `json:"path"`
	Providers []KubeletProvider `json:"providers"`
	// Warnings name every overlap of a service-account provider's
	// matchImages with a node-identity provider's.
	Warnings []string `json:"warnings,omitempty"`
}

type KubeletProvider struct {
	Name           string   `json:"name"`
	MatchImages    []string `json:"matchImages"`
	ServiceAccount bool     `json:"serviceAccountTokens"`
}

// readKubeletProviders reads a CredentialProviderConfig and finds its
// overlapping providers. A file that cannot be read or is not a
// CredentialProviderConfig is an error: the user named it.
func readKubeletProviders(path string) (*KubeletReport, error) {
	data, err := providers.ReadFileLimited(path, maxKubeletConfigSize)
	if err != nil {
		return nil, err
	}
	cfg, err := kubeletconfig.Parse(path, data)
	if err != nil {
		return nil, err
	}
	out := &KubeletReport{Path: path, Providers: []KubeletProvider{}}
	for _, p := range cfg.Providers {
		out.Providers = append(out.Providers, KubeletProvider{Name: p.Name, MatchImages: p.MatchImages, ServiceAccount: p.ServiceAccount})
	}
	for _, o := range cfg.Overlaps() {
		out.Warnings = append(out.Warnings, o.String())
	}
	return out, nil
}

// write prints the kubelet section of the table; nothing when k is nil.
func (k *KubeletReport) write(b *bytes.Buffer) {
	if k == nil {
		return
	}
	fmt.Fprintf(b, "\nKubelet CredentialProviderConfig: %s\n", k.Path)
	for _, p := range k.Providers {
		mode := "node identity"
		if p.ServiceAccount {
			mode = "service-account tokens"
		}
		fmt.Fprintf(b, "  %s (%s): %v\n", p.Name, mode, p.MatchImages)
	}
	if len(k.Warnings) == 0 {
		fmt.Fprintln(b, "  no service-account provider shares images with a node-identity provider")
	}
	for _, w := range k.Warnings {
		fmt.Fprintf(b, "  WARNING: %s\n", w)
	}
}
