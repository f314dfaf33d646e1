package credhelper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/clientsetup"

	"github.com/regcred/regcred/internal/testkit"
	"go.yaml.in/yaml/v3"
)

func TestSetupPrints(t *testing.T) {
	tests := []struct {
		name, target string
		want         []string
	}{
		{name: "podman's drop-in and auth file", target: "podman", want: []string{`credential-helpers = ["containers-auth.json", "regcred"]`, "registries.conf.d/50-regcred.conf", `"registry.example.com": "regcred"`}},
		{name: "CRI-O, pointing at the kubelet set-up", target: "crio", want: []string{clientsetup.SystemRegistriesDropIn, `credential-helpers = ["containers-auth.json", "regcred"]`, "systemctl reload crio", "setup kubelet"}},
		{name: "the kubelet's provider config", target: "kubelet", want: []string{"kind: CredentialProviderConfig", `- "*.example.org"`, `- "registry.example.com/team"`, "args: [kubelet]", "--image-credential-provider-bin-dir=" + clientsetup.KubeletProviderBinDir}},
		{name: "nerdctl's docker config", target: "nerdctl", want: []string{`"credHelpers": {`, `"registry.example.com": "regcred"`, "nerdctl.toml has no credential setting"}},
		{name: "containerd: what to use instead", target: "containerd", want: []string{"containerd runs no credential helper", "setup kubelet", "setup nerdctl", "(ps)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, dockerTestConfig, nil)
			before := dirListing(t, ta.app.Env.HomeDir)
			out, code := ta.runString(t, "", "setup", tt.target, "--user")
			require.Equal(t, 0, code, "exit: %s", ta.stderr)
			for _, w := range tt.want {
				assert.Contains(t, out, w, "output")
			}
			assert.Equal(t, before, dirListing(t, ta.app.Env.HomeDir), "printing wrote files")
		})
	}
}

func dirListing(t *testing.T, dir string) string {
	t.Helper()
	var names []string
	_ = filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			names = append(names, p)
		}
		return nil
	})
	return strings.Join(names, "\n")
}

// TestSetupKubeletIsAValidConfig decodes the printed CredentialProviderConfig
// strictly, in the shape the kubelet reads.
func TestSetupKubeletIsAValidConfig(t *testing.T) {
	ta := newTestApp(t, "defaults: false\n"+dockerTestConfig, nil)
	out, code := ta.runString(t, "", "setup", "kubelet")
	require.Equal(t, 0, code, "exit: %s", ta.stderr)
	type provider struct {
		Name                 string   `yaml:"name"`
		APIVersion           string   `yaml:"apiVersion"`
		MatchImages          []string `yaml:"matchImages"`
		DefaultCacheDuration string   `yaml:"defaultCacheDuration"`
		Args                 []string `yaml:"args"`
		Env                  []struct {
			Name  string `yaml:"name"`
			Value string `yaml:"value"`
		} `yaml:"env"`
	}
	var cfg struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Providers  []provider `yaml:"providers"`
	}
	doc := strings.SplitN(out, "\n", 3)[2] // after the two comment lines
	dec := yaml.NewDecoder(strings.NewReader(doc))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&cfg), doc)
	require.NotEmpty(t, cfg.Providers, "config %+v", cfg)
	p := cfg.Providers[0]
	assert.Equal(t, "CredentialProviderConfig", cfg.Kind, "config %+v", cfg)
	assert.Equal(t, Name, p.Name, "config %+v", cfg)
	assert.Equal(t, "credentialprovider.kubelet.k8s.io/v1", p.APIVersion, "config %+v", cfg)
	assert.Equal(t, []string{"kubelet"}, p.Args, "config %+v", cfg)
	if assert.NotEmpty(t, p.Env, "config %+v", cfg) {
		assert.Equal(t, "REGCRED_CONFIG", p.Env[0].Name, "config %+v", cfg)
	}
	want := []string{"*.example.org", "docker.io", "localhost:5000", "registry.example.com", "registry.example.com/team"}
	assert.Equal(t, want, p.MatchImages, "matchImages (anonymous entries left out)")
	_, err := time.ParseDuration(p.DefaultCacheDuration)
	assert.NoError(t, err, "defaultCacheDuration")
	withDefaults := newTestApp(t, dockerTestConfig, nil)
	out, _ = withDefaults.runString(t, "", "setup", "kubelet")
	assert.Contains(t, out, `- "*.dkr.ecr.*.amazonaws.com"`, "with the built-in entries on, matchImages must cover them")
	assert.Contains(t, out, `- "*-docker.pkg.dev"`, "with the built-in entries on, matchImages must cover them")
}

func TestSetupWriteBacksUp(t *testing.T) {
	ta := newTestApp(t, dockerTestConfig, nil)
	path := filepath.Join(t.TempDir(), "conf.d", "50-regcred.conf")
	out, code := ta.runString(t, "", "setup", "podman", "--write", "--file", path)
	require.Equal(t, 0, code, "exit: %s %s", out, ta.stderr)
	require.Contains(t, out, "wrote "+path)
	assert.Equal(t, clientsetup.RegistriesDropIn, string(testkit.ReadFile(t, path)), "wrote")
	out, _ = ta.runString(t, "", "setup", "podman", "--write", "--file", path)
	assert.Contains(t, out, "unchanged", "second write")
	require.NoError(t, os.WriteFile(path, []byte("credential-helpers = [\"other\"]\n"), 0o640))
	require.NoError(t, os.Chmod(path, 0o640))
	out, _ = ta.runString(t, "", "setup", "podman", "--write", "--file", path)
	baks, _ := filepath.Glob(path + ".*.bak")
	require.Len(t, baks, 1, "backups; output %s", out)
	require.Equal(t, "credential-helpers = [\"other\"]\n", string(testkit.ReadFile(t, baks[0])), "backup")
	require.Contains(t, out, baks[0], "the output names the backup")
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), "mode not kept")
}

func TestSetupNerdctlWriteMerges(t *testing.T) {
	dir, _ := dockerDir(t, "desktop.json", 0o600)
	ta := newTestApp(t, dockerTestConfig, map[string]string{"DOCKER_CONFIG": dir})
	out, code := ta.runString(t, "", "setup", "nerdctl", "--write")
	require.Equal(t, 0, code, "exit: %s", ta.stderr)
	got := decodeObject(t, testkit.ReadFile(t, filepath.Join(dir, "config.json")))
	assert.Equal(t, "desktop", got["credsStore"], "config.json %v", got)
	helpers, _ := got["credHelpers"].(map[string]any)
	assert.Equal(t, "regcred", helpers["registry.example.com"], "config.json %v", got)
	baks, _ := filepath.Glob(filepath.Join(dir, "config.json.*.bak"))
	assert.Len(t, baks, 1, "backups")
	assert.Contains(t, out, "previous file", "output")
	out, _ = ta.runString(t, "", "setup", "nerdctl", "--write")
	assert.Contains(t, out, "already configured", "second run")
}

func TestSetupErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no target", args: []string{"setup"}, want: "usage"},
		{name: "unknown target", args: []string{"setup", "rkt"}, want: `unknown client "rkt"`},
		{name: "containerd write", args: []string{"setup", "containerd", "--write"}, want: "nothing to write"},
		{name: "two targets", args: []string{"setup", "podman", "crio"}, want: "unexpected"},
		{name: "file without path", args: []string{"setup", "podman", "--file"}, want: "--file needs a path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, dockerTestConfig, nil)
			out, code := ta.runString(t, "", tt.args...)
			assert.Equal(t, 1, code, "exit; stderr %s", ta.stderr)
			assert.Empty(t, out, "stdout")
			assert.Contains(t, ta.stderr.String(), tt.want, "stderr")
		})
	}
}
