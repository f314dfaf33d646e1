package credhelper

import (
	"strings"
	"testing"

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
			if code != 0 {
				t.Fatalf("exit %d: %s", code, ta.stderr)
			}
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
			if err := yaml.Unmarshal([]byte(strings.SplitN(out, "\n", 3)[2]), &cfg); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if len(cfg.Providers) != 2 {
				t.Fatalf("%d providers, want 2:\n%s", len(cfg.Providers), out)
			}
			node, pod := cfg.Providers[0], cfg.Providers[1]
			if node.TokenAttributes != nil || strings.Contains(strings.Join(node.MatchImages, ","), "team-registry") || !strings.Contains(strings.Join(node.MatchImages, ","), "registry.example.com") {
				t.Errorf("node provider %+v", node)
			}
			ta2 := pod.TokenAttributes
			if pod.Name != clientsetup.WorkloadProviderName || ta2 == nil || ta2.CacheType != "ServiceAccount" || !ta2.Require ||
				strings.Join(ta2.Annotations, ",") != "eks.amazonaws.com/role-arn,regcred.example.com/role" ||
				strings.Join(pod.MatchImages, ",") != "123456789012.dkr.ecr.eu-west-1.amazonaws.com,team-registry.example.com" {
				t.Errorf("service-account provider %+v %+v", pod, ta2)
			}
			warned := strings.Contains(out, "# WARNING: providers \"regcred-workload\"") && strings.Contains(ta.stderr.String(), "overlapping providers")
			if warned != tt.wantWarning {
				t.Errorf("warned %v, want %v:\n%s\nstderr: %s", warned, tt.wantWarning, out, ta.stderr)
			}
		})
	}
}
