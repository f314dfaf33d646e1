package credhelper

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/clientsetup"

	"go.yaml.in/yaml/v3"
)

// Entries that log in as the pod get a provider of their own, with
// tokenAttributes; an overlap with the node-identity provider is warned
// about, in the output and on stderr.
func TestSetupKubeletServiceAccountProvider(t *testing.T) {
	const entries = `registries:
  - match: "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
    ecr: {roleArnAnnotation: eks.amazonaws.com/role-arn}
  - match: team-registry.example.com
    vault: {address: "https://vault.example.com", path: kv/registry, auth: {method: kubernetes, roleAnnotation: regcred.example.com/role}}
  - match: registry.example.com
    static: {username: robot, passwordEnv: PW}
`
	tests := []struct {
		name        string
		config      string
		wantWarning bool
	}{
		{name: "built-in ECR entries overlap the pod's ECR entry", config: entries, wantWarning: true},
		{name: "defaults: false, no overlap", config: "defaults: false\n" + entries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, tt.config, nil)
			out, code := ta.runString(t, "", "setup", "kubelet")
			require.Equal(t, 0, code, "exit %d: %s", code, ta.stderr)
			var cfg struct {
				Providers []struct {
					Name            string   `yaml:"name"`
					MatchImages     []string `yaml:"matchImages"`
					TokenAttributes *struct {
						Audience    string   `yaml:"serviceAccountTokenAudience"`
						CacheType   string   `yaml:"cacheType"`
						Require     bool     `yaml:"requireServiceAccount"`
						Annotations []string `yaml:"optionalServiceAccountAnnotationKeys"`
					} `yaml:"tokenAttributes"`
				} `yaml:"providers"`
			}
			err := yaml.Unmarshal([]byte(strings.SplitN(out, "\n", 3)[2]), &cfg)
			require.NoError(t, err, "%v\n%s", err, out)
			require.Len(t, cfg.Providers, 2, "%d providers, want 2:\n%s", len(cfg.Providers), out)
			node, pod := cfg.Providers[0], cfg.Providers[1]
			assert.Nil(t, node.TokenAttributes, "node provider %+v", node)
			assert.NotContains(t, strings.Join(node.MatchImages, ","), "team-registry", "node provider %+v", node)
			assert.Contains(t, strings.Join(node.MatchImages, ","), "registry.example.com", "node provider %+v", node)
			ta2 := pod.TokenAttributes
			assert.Equal(t, clientsetup.WorkloadProviderName, pod.Name)
			assert.Equal(t, []string{"123456789012.dkr.ecr.eu-west-1.amazonaws.com", "team-registry.example.com"}, pod.MatchImages)
			if assert.NotNil(t, ta2, "service-account provider %+v has no tokenAttributes", pod) {
				assert.Equal(t, "ServiceAccount", ta2.CacheType)
				assert.True(t, ta2.Require, "tokenAttributes.requireServiceAccount")
				assert.Equal(t, []string{"eks.amazonaws.com/role-arn", "regcred.example.com/role"}, ta2.Annotations)
			}
			warned := strings.Contains(out, "# WARNING: providers \"regcred-workload\"") && strings.Contains(ta.stderr.String(), "overlapping providers")
			assert.Equal(t, tt.wantWarning, warned, "warned %v, want %v:\n%s\nstderr: %s", warned, tt.wantWarning, out, ta.stderr)
		})
	}
}

// The service-account provider's token audience follows its entries: the
// one Entra's federated credentials accept by default when every entry is
// ACR's, regcred's own otherwise.
func TestSetupKubeletAudienceFollowsTheKinds(t *testing.T) {
	const acrEntry = `  - match: "*.azurecr.io"
    acr: {clientIdAnnotation: azure.workload.identity/client-id, tenantId: contoso.onmicrosoft.com}
`
	const vaultEntry = `  - match: team-registry.example.com
    vault: {address: "https://vault.example.com", path: kv/registry, auth: {method: kubernetes, roleAnnotation: regcred.example.com/role}}
`
	tests := []struct {
		name, entries, want string
	}{
		{name: "ACR alone", entries: acrEntry, want: `serviceAccountTokenAudience: "api://AzureADTokenExchange"`},
		{name: "ACR and Vault", entries: acrEntry + vaultEntry, want: `serviceAccountTokenAudience: "regcred"   # the token's aud: what your Vault role, AWS OIDC provider or Google pool provider accepts; ACR's federated credentials must then list it`},
		{name: "Vault alone", entries: vaultEntry, want: `serviceAccountTokenAudience: "regcred"   # the token's aud: what your Vault role, AWS OIDC provider or Google pool provider accepts` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, "defaults: false\nregistries:\n"+tt.entries, nil)
			out, code := ta.runString(t, "", "setup", "kubelet")
			require.Equal(t, 0, code, "exit %d: %s", code, ta.stderr)
			assert.Contains(t, out, tt.want)
			if strings.Contains(tt.entries, "acr:") {
				assert.Contains(t, out, `"azure.workload.identity/client-id"`, "the annotation is not passed to the plugin")
			}
		})
	}
}
