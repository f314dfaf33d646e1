package credhelper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/clientsetup"

	"go.yaml.in/yaml/v3"
)

func TestSetupPrints(t *testing.T) {
	tests := []struct {
		target string
		want   []string
	}{
		{target: "podman", want: []string{`credential-helpers = ["containers-auth.json", "regcred"]`, "registries.conf.d/50-regcred.conf", `"registry.example.com": "regcred"`}},
		{target: "crio", want: []string{clientsetup.SystemRegistriesDropIn, `credential-helpers = ["containers-auth.json", "regcred"]`, "systemctl reload crio", "setup kubelet"}},
		{target: "kubelet", want: []string{"kind: CredentialProviderConfig", `- "*.example.org"`, `- "registry.example.com/team"`, "args: [kubelet]", "--image-credential-provider-bin-dir=" + clientsetup.KubeletProviderBinDir}},
		{target: "nerdctl", want: []string{`"credHelpers": {`, `"registry.example.com": "regcred"`, "nerdctl.toml has no credential setting"}},
		{target: "containerd", want: []string{"containerd runs no credential helper", "setup kubelet", "setup nerdctl", "(ps)"}},
	}
	for _, tt := range tests {
		t.Run(tt.target, func(t *testing.T) {
			ta := newTestApp(t, dockerTestConfig, nil)
			before := dirListing(t, ta.app.Env.HomeDir)
			out, code := ta.runString(t, "", "setup", tt.target, "--user")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, ta.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if after := dirListing(t, ta.app.Env.HomeDir); after != before {
				t.Errorf("printing wrote files: %s", after)
			}
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
	if code != 0 {
		t.Fatal(ta.stderr)
	}
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
	if err := dec.Decode(&cfg); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	p := cfg.Providers[0]
	if cfg.Kind != "CredentialProviderConfig" || p.Name != Name || p.APIVersion != "credentialprovider.kubelet.k8s.io/v1" ||
		len(p.Args) != 1 || p.Args[0] != "kubelet" || p.Env[0].Name != "REGCRED_CONFIG" {
		t.Errorf("config %+v", cfg)
	}
	want := []string{"*.example.org", "docker.io", "localhost:5000", "registry.example.com", "registry.example.com/team"}
	if strings.Join(p.MatchImages, ",") != strings.Join(want, ",") {
		t.Errorf("matchImages %v, want %v (anonymous entries left out)", p.MatchImages, want)
	}
	if _, err := time.ParseDuration(p.DefaultCacheDuration); err != nil {
		t.Errorf("defaultCacheDuration: %v", err)
	}
	withDefaults := newTestApp(t, dockerTestConfig, nil)
	if out, _ := withDefaults.runString(t, "", "setup", "kubelet"); !strings.Contains(out, `- "*.dkr.ecr.*.amazonaws.com"`) || !strings.Contains(out, `- "*-docker.pkg.dev"`) {
		t.Errorf("with the built-in entries on, matchImages must cover them:\n%s", out)
	}
}

func TestSetupWriteBacksUp(t *testing.T) {
	ta := newTestApp(t, dockerTestConfig, nil)
	path := filepath.Join(t.TempDir(), "conf.d", "50-regcred.conf")
	out, code := ta.runString(t, "", "setup", "podman", "--write", "--file", path)
	if code != 0 || !strings.Contains(out, "wrote "+path) {
		t.Fatalf("exit %d: %s %s", code, out, ta.stderr)
	}
	if got := string(mustRead(t, path)); got != clientsetup.RegistriesDropIn {
		t.Errorf("wrote %q", got)
	}
	out, _ = ta.runString(t, "", "setup", "podman", "--write", "--file", path)
	if !strings.Contains(out, "unchanged") {
		t.Errorf("second write: %s", out)
	}
	require.NoError(t, os.WriteFile(path, []byte("credential-helpers = [\"other\"]\n"), 0o640))
	require.NoError(t, os.Chmod(path, 0o640))
	out, _ = ta.runString(t, "", "setup", "podman", "--write", "--file", path)
	baks, _ := filepath.Glob(path + ".*.bak")
	if len(baks) != 1 || string(mustRead(t, baks[0])) != "credential-helpers = [\"other\"]\n" || !strings.Contains(out, baks[0]) {
		t.Fatalf("backup %v; output %s", baks, out)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o640 {
		t.Errorf("mode %v not kept", info.Mode().Perm())
	}
}

func TestSetupNerdctlWriteMerges(t *testing.T) {
	dir, _ := dockerDir(t, "desktop.json", 0o600)
	ta := newTestApp(t, dockerTestConfig, map[string]string{"DOCKER_CONFIG": dir})
	out, code := ta.runString(t, "", "setup", "nerdctl", "--write")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, ta.stderr)
	}
	got := decodeObject(t, mustRead(t, filepath.Join(dir, "config.json")))
	if got["credsStore"] != "desktop" || got["credHelpers"].(map[string]any)["registry.example.com"] != "regcred" {
		t.Errorf("config.json %v", got)
	}
	if baks, _ := filepath.Glob(filepath.Join(dir, "config.json.*.bak")); len(baks) != 1 || !strings.Contains(out, "previous file") {
		t.Errorf("backups %v, output %s", baks, out)
	}
	out, _ = ta.runString(t, "", "setup", "nerdctl", "--write")
	if !strings.Contains(out, "already configured") {
		t.Errorf("second run: %s", out)
	}
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
			if code != 1 || out != "" || !strings.Contains(ta.stderr.String(), tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %s", code, out, ta.stderr)
			}
		})
	}
}
