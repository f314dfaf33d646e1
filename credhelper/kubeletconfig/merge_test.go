package kubeletconfig

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// header opens every CredentialProviderConfig below.
const header = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
`

const generated = header + `  - name: docker-credential-regcred
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    matchImages: ["reg.example.com"]
    defaultCacheDuration: "5m"
    args: [kubelet]
`

// TestMergeKeepsOtherProviders: setup kubelet --write replaces only its
// own providers in the kubelet's file; the node's other providers and
// fields stay.
func TestMergeKeepsOtherProviders(t *testing.T) {
	tests := []struct {
		name, existing string
		want, gone     []string
		wantErr        error
	}{
		{name: "empty file", existing: "", want: []string{"docker-credential-regcred"}},
		{name: "another provider kept, ours added", existing: header + `  - name: ecr-credential-provider
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    matchImages: ["*.dkr.ecr.*.amazonaws.com"]
    defaultCacheDuration: "12h"
`, want: []string{"ecr-credential-provider", "*.dkr.ecr.*.amazonaws.com", "docker-credential-regcred", "reg.example.com"}},
		{name: "our old provider replaced", existing: header + `  - name: docker-credential-regcred
    matchImages: ["old.example.com"]
  - name: regcred-workload
    matchImages: ["team.example.com"]
    tokenAttributes: {serviceAccountTokenAudience: regcred}
  - name: acr-credential-provider
    matchImages: ["*.azurecr.io"]
`, want: []string{"acr-credential-provider", "reg.example.com"}, gone: []string{"old.example.com", "team.example.com", "regcred-workload"}},
		{name: "not a CredentialProviderConfig", existing: "apiVersion: v1\nkind: Pod\n", wantErr: ErrConfig},
		{name: "not YAML", existing: "providers: [", wantErr: ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Merge("credential-provider.yaml", []byte(tt.existing), []byte(generated), []string{"docker-credential-regcred", "regcred-workload"})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			_, err = Parse("merged", got)
			require.NoError(t, err, "the merged file does not parse:\n%s", got)
			for _, w := range tt.want {
				assert.Contains(t, string(got), w, "merged file lacks it")
			}
			for _, g := range tt.gone {
				assert.NotContains(t, string(got), g, "merged file still has it")
			}
		})
	}
}
