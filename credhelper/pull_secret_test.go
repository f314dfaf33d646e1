package credhelper

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/internal/testkit"
)

const pullSecretPW = "pull-secret-pw-9f2c"

func TestPullSecretManifest(t *testing.T) {
	ta := newTestApp(t, dockerTestConfig, map[string]string{"PW": pullSecretPW})
	before := dirListing(t, ta.app.Env.HomeDir)
	out, code := ta.runString(t, "", "pull-secret", "--name", "regcred-pull", "--namespace=team-a", "registry.example.com", "docker.io", "localhost:5000")
	require.Equal(t, 0, code, ta.stderr.String())
	var m struct {
		Kind     string
		Metadata struct{ Name, Namespace string }
		Type     string
		Data     map[string]string
	}
	require.NoError(t, yaml.Unmarshal([]byte(out), &m))
	assert.Equal(t, "Secret", m.Kind)
	assert.Equal(t, "regcred-pull", m.Metadata.Name)
	assert.Equal(t, "team-a", m.Metadata.Namespace)
	assert.Equal(t, "kubernetes.io/dockerconfigjson", m.Type)
	raw, err := base64.StdEncoding.DecodeString(m.Data[".dockerconfigjson"])
	require.NoError(t, err)
	assert.JSONEq(t, `{"auths":{
		"registry.example.com":{"username":"robot","password":"`+pullSecretPW+`","auth":"`+testkit.B64("robot:"+pullSecretPW)+`"},
		"https://index.docker.io/v1/":{"username":"hub","password":"`+pullSecretPW+`","auth":"`+testkit.B64("hub:"+pullSecretPW)+`"},
		"localhost:5000":{"username":"x","password":"`+pullSecretPW+`","auth":"`+testkit.B64("x:"+pullSecretPW)+`"}}}`, string(raw))
	assert.Equal(t, before, dirListing(t, ta.app.Env.HomeDir), "printing wrote files")
	testkit.AssertNoSecret(t, "stderr", ta.stderr.String(), pullSecretPW)
}

func TestPullSecretRaw(t *testing.T) {
	ta := newTestApp(t, dockerTestConfig, map[string]string{"PW": pullSecretPW})
	out, code := ta.runString(t, "", "pull-secret", "--raw", "registry.example.com")
	require.Equal(t, 0, code, ta.stderr.String())
	var doc struct {
		Auths map[string]struct{ Username, Password, Auth string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "robot", doc.Auths["registry.example.com"].Username)
	assert.Equal(t, pullSecretPW, doc.Auths["registry.example.com"].Password)
	assert.Len(t, doc.Auths, 1)
}

func TestPullSecretErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want []string
	}{
		{name: "no registry", args: []string{"--name", "p", "--namespace", "ns"}, want: []string{"name at least one registry"}},
		{name: "no name", args: []string{"--namespace", "ns", "registry.example.com"}, want: []string{"--name and --namespace are required"}},
		{name: "flag without value", args: []string{"registry.example.com", "--name"}, want: []string{"--name needs a value"}},
		{name: "unknown flag keeps no value", args: []string{"--password=" + pullSecretPW, "registry.example.com"}, want: []string{`unknown flag "--password"`}},
		{name: "bad name", args: []string{"--name", "Pull_Secret", "--namespace", "ns", "registry.example.com"}, want: []string{`secret name "Pull_Secret" is not a DNS subdomain`}},
		{name: "bad namespace", args: []string{"--name", "p", "--namespace", "Team A", "registry.example.com"}, want: []string{`namespace "Team A" is not a DNS label`}},
		{name: "repository", args: []string{"--raw", "registry.example.com/team/app"}, want: []string{"names a repository"}},
		{name: "unresolved and anonymous together", args: []string{"--raw", "registry.example.com", "nowhere.example.net", "mcr.microsoft.com"},
			want: []string{"2 of 3 registries unresolved", "nowhere.example.net: no entry yields one", "mcr.microsoft.com: no entry yields one"}},
		{name: "backend fails", args: []string{"--raw", "registry.example.com"}, env: map[string]string{}, want: []string{"no credential for registry.example.com", "PW"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if env == nil {
				env = map[string]string{"PW": pullSecretPW}
			}
			ta := newTestApp(t, dockerTestConfig, env)
			out, code := ta.runString(t, "", append([]string{"pull-secret"}, tt.args...)...)
			assert.Equal(t, 1, code)
			assert.Empty(t, out, "nothing on stdout when it fails")
			for _, w := range tt.want {
				assert.Contains(t, ta.stderr.String(), w)
			}
			testkit.AssertNoSecret(t, "stderr", ta.stderr.String(), pullSecretPW)
		})
	}
}
