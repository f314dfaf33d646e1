package credhelper

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckKubeletConfigOverlaps(t *testing.T) {
	const head = "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n"
	const node = "  - {name: docker-credential-regcred, matchImages: [registry.example.com, \"*.dkr.ecr.*.amazonaws.com\"]}\n"
	tests := []struct {
		name         string
		doc          string
		wantWarnings int
		wantText     string
	}{
		{name: "workload ECR under the node's ECR glob",
			doc:          head + node + "  - {name: regcred-workload, matchImages: [\"123456789012.dkr.ecr.eu-west-1.amazonaws.com\"], tokenAttributes: {serviceAccountTokenAudience: regcred}}\n",
			wantWarnings: 1, wantText: `WARNING: providers "regcred-workload" (service-account tokens) and "docker-credential-regcred" (no token)`},
		{name: "disjoint matchImages",
			doc:      head + node + "  - {name: regcred-workload, matchImages: [team-registry.example.com], tokenAttributes: {serviceAccountTokenAudience: regcred}}\n",
			wantText: "no service-account provider shares images with a node-identity provider"},
		{name: "two node providers may overlap",
			doc:      head + node + "  - {name: other, matchImages: [registry.example.com]}\n",
			wantText: "no service-account provider shares images"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "credential-provider.yaml")
			require.NoError(t, os.WriteFile(path, []byte(tt.doc), 0o600))
			ta := newTestApp(t, checkTestConfig, map[string]string{"PW": checkSecret})
			rep, _ := runCheck(t, ta, "--kubelet-config", path)
			require.NotNil(t, rep.Kubelet, "kubelet report")
			require.Len(t, rep.Kubelet.Warnings, tt.wantWarnings, "kubelet report %+v", rep.Kubelet)
			require.Len(t, rep.Kubelet.Providers, 2, "kubelet report %+v", rep.Kubelet)
			ta = newTestApp(t, checkTestConfig, map[string]string{"PW": checkSecret})
			out, _ := ta.runString(t, "", "check", "--kubelet-config="+path)
			assert.Contains(t, out, tt.wantText, "the table")
		})
	}
}

func TestCheckKubeletConfigUnreadable(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{name: "missing file", want: "no such file"},
		{name: "not a CredentialProviderConfig", content: "kind: KubeletConfiguration\n", want: `kind is "KubeletConfiguration"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "cp.yaml")
			if tt.content != "" {
				require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			}
			ta := newTestApp(t, checkTestConfig, nil)
			_, code := ta.runString(t, "", "check", "--kubelet-config", path)
			assert.Equal(t, 1, code, "exit code; stderr %q", ta.stderr.String())
			assert.Contains(t, ta.stderr.String(), tt.want, "stderr")
		})
	}
}
