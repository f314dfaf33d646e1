package credhelper

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const dockerTestConfig = `registries:
  - match: registry.example.com/team
    static: {username: robot, passwordEnv: PW}
  - match: registry.example.com
    static: {username: robot, passwordEnv: PW}
  - match: "*.example.org"
    static: {username: x, passwordEnv: PW}
  - match: localhost:5000
    static: {username: x, passwordEnv: PW}
  - match: docker.io
    static: {username: hub, passwordEnv: PW}
  - match: mcr.microsoft.com
    anonymous: {}
`

// wantHelpers are the credHelpers keys dockerTestConfig yields.
var wantHelpers = []string{"docker.io", "https://index.docker.io/v1/", "localhost:5000", "registry.example.com"}

// dockerDir copies a testdata config.json (or none) into a temp dir.
func dockerDir(t *testing.T, fixture string, mode os.FileMode) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	if fixture == "" {
		return dir, nil
	}
	data, err := os.ReadFile(filepath.Join("testdata", "docker-config", fixture))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), data, mode))
	return dir, data
}

func decodeObject(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, data)
	}
	return m
}

func topLevelKeys(t *testing.T, data []byte) []string {
	t.Helper()
	var keys []string
	for _, m := range topMembers(t, data) {
		keys = append(keys, m.key)
	}
	return keys
}

// member is one top-level member of a JSON object, its value as written.
type member struct {
	key   string
	value []byte
}

// topMembers lists data's top-level members in file order, each value
// byte for byte as it stands in the file.
func topMembers(t *testing.T, data []byte) []member {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %v", err)
	}
	var out []member
	for dec.More() {
		k, err := dec.Token()
		require.NoError(t, err)
		var v json.RawMessage
		require.NoError(t, dec.Decode(&v))
		out = append(out, member{key: k.(string), value: v})
	}
	return out
}

func TestConfigureDockerRealWorldFiles(t *testing.T) {
	tests := []struct {
		fixture  string
		mode     os.FileMode
		existing map[string]string // credHelpers before
	}{
		{fixture: "desktop.json", mode: 0o644},
		{fixture: "plaintext-auths.json", mode: 0o600},
		{fixture: "gcloud-ecr-helpers.json", mode: 0o640, existing: map[string]string{
			"gcr.io": "gcloud", "us.gcr.io": "gcloud", "europe-west1-docker.pkg.dev": "gcloud",
			"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"}},
		{fixture: "compact.json", mode: 0o600},
		{fixture: "", mode: 0o600},
	}
	for _, tt := range tests {
		name := tt.fixture
		if name == "" {
			name = "no file yet"
		}
		t.Run(name, func(t *testing.T) {
			dir, before := dockerDir(t, tt.fixture, tt.mode)
			ta := newTestApp(t, dockerTestConfig, nil)
			out, code := ta.runString(t, "", "configure-docker", "--dir", dir)
			if code != 0 || !strings.Contains(out, "updated ") {
				t.Fatalf("exit %d: %s\n%s", code, out, ta.stderr)
			}
			path := filepath.Join(dir, "config.json")
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			old, updated := map[string]any{}, decodeObject(t, after)
			if before != nil {
				old = decodeObject(t, before)
			}
			helpers, _ := updated["credHelpers"].(map[string]any)
			delete(updated, "credHelpers")
			oldHelpers, _ := old["credHelpers"].(map[string]any)
			delete(old, "credHelpers")
			if !reflect.DeepEqual(old, updated) {
				t.Errorf("members other than credHelpers changed:\nbefore %v\nafter  %v", old, updated)
			}
			for k, v := range tt.existing {
				if helpers[k] != v || oldHelpers[k] != v {
					t.Errorf("credHelpers[%q] = %v, want it kept as %q", k, helpers[k], v)
				}
			}
			for _, h := range wantHelpers {
				if helpers[h] != "regcred" {
					t.Errorf("credHelpers[%q] = %v, want regcred", h, helpers[h])
				}
			}
			if len(helpers) != len(tt.existing)+len(wantHelpers) {
				t.Errorf("credHelpers = %v", helpers)
			}
			if before != nil && json.Valid(before) {
				for _, m := range topMembers(t, before) {
					if m.key != "credHelpers" && !bytes.Contains(after, m.value) {
						t.Errorf("%q was not kept byte for byte: %s", m.key, m.value)
					}
				}
			}
			if before != nil {
				oldKeys, newKeys := topLevelKeys(t, before), topLevelKeys(t, after)
				if !slices.Equal(oldKeys, newKeys[:len(oldKeys)]) {
					t.Errorf("top-level order changed: %v → %v", oldKeys, newKeys)
				}
			}
			info, err := os.Stat(path)
			if err != nil || info.Mode().Perm() != tt.mode {
				t.Errorf("mode %v, want %v kept", info.Mode().Perm(), tt.mode)
			}
			assertOnlyFile(t, dir, "config.json")

			out, code = ta.runString(t, "", "configure-docker", "--dir", dir)
			again, _ := os.ReadFile(path)
			if code != 0 || !strings.Contains(out, "already configured") || !bytes.Equal(again, after) {
				t.Errorf("second run not idempotent: exit %d, %q, file changed: %v", code, out, !bytes.Equal(again, after))
			}
		})
	}
}

func assertOnlyFile(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Errorf("%s holds %v, want %v (a temp file left behind?)", dir, got, names)
	}
}

func TestConfigureDockerDryRunDiff(t *testing.T) {
	dir, before := dockerDir(t, "plaintext-auths.json", 0o600)
	ta := newTestApp(t, dockerTestConfig, nil)
	diff, code := ta.runString(t, "", "configure-docker", "--dir", dir, "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, ta.stderr)
	}
	path := filepath.Join(dir, "config.json")
	if now, _ := os.ReadFile(path); !bytes.Equal(now, before) {
		t.Fatal("--dry-run wrote the file")
	}
	for _, want := range []string{"--- " + path, "+++ " + path, "@@ ", `+	"credHelpers": {`, `+		"registry.example.com": "regcred"`} {
		if !strings.Contains(diff, want) {
			t.Errorf("diff lacks %q:\n%s", want, diff)
		}
	}
	if !strings.Contains(ta.stderr.String(), `auths["registry.example.com"]`) {
		t.Errorf("no note about the now unused stored credential:\n%s", ta.stderr)
	}
	// The diff must be one `patch` applies to get what a real run writes.
	patchTool, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch not installed (apt-get install patch)")
	}
	copyPath := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(copyPath, before, 0o600))
	cmd := exec.Command(patchTool, "--silent", copyPath)
	cmd.Stdin = strings.NewReader(diff)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("patch refused the diff: %v\n%s\n%s", err, out, diff)
	}
	if _, code := ta.runString(t, "", "configure-docker", "--dir", dir); code != 0 {
		t.Fatal("configure-docker failed")
	}
	patched, _ := os.ReadFile(copyPath)
	written, _ := os.ReadFile(path)
	if !bytes.Equal(patched, written) {
		t.Errorf("the dry-run diff does not produce the written file:\npatched:\n%s\nwritten:\n%s", patched, written)
	}
	out, _ := ta.runString(t, "", "configure-docker", "--dir", dir, "--dry-run")
	if !strings.Contains(out, "already configured; nothing would change") {
		t.Errorf("dry run on a configured file: %q", out)
	}
}

func TestConfigureDockerOtherHelper(t *testing.T) {
	dir, _ := dockerDir(t, "gcloud-ecr-helpers.json", 0o600)
	ta := newTestApp(t, "", nil)
	out, code := ta.runString(t, "", "configure-docker", "--dir", dir, "--host", "gcr.io", "--host", "https://Reg.Example.COM:443/v2/")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, ta.stderr)
	}
	if !strings.Contains(ta.stderr.String(), `credHelpers["gcr.io"] is "gcloud"; left alone`) {
		t.Errorf("stderr:\n%s", ta.stderr)
	}
	got := decodeObject(t, mustRead(t, filepath.Join(dir, "config.json")))["credHelpers"].(map[string]any)
	if got["gcr.io"] != "gcloud" || got["reg.example.com"] != "regcred" {
		t.Errorf("credHelpers = %v", got)
	}
	if _, code := ta.runString(t, "", "configure-docker", "--dir", dir, "--host", "gcr.io", "--force"); code != 0 {
		t.Fatal("--force failed")
	}
	got = decodeObject(t, mustRead(t, filepath.Join(dir, "config.json")))["credHelpers"].(map[string]any)
	if got["gcr.io"] != "regcred" || got["us.gcr.io"] != "gcloud" {
		t.Errorf("after --force credHelpers = %v", got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

func TestConfigureDockerCloudAndEnv(t *testing.T) {
	dir := t.TempDir()
	ta := newTestApp(t, "", map[string]string{"DOCKER_CONFIG": dir})
	if out, code := ta.runString(t, "", "configure-docker", "--cloud"); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, ta.stderr)
	}
	got := decodeObject(t, mustRead(t, filepath.Join(dir, "config.json")))["credHelpers"].(map[string]any)
	for _, h := range []string{"gcr.io", "eu.gcr.io", "us-docker.pkg.dev", "europe-west1-docker.pkg.dev", "public.ecr.aws"} {
		if got[h] != "regcred" {
			t.Errorf("--cloud did not add %s: %v", h, got)
		}
	}
	if info, err := os.Stat(filepath.Join(dir, "config.json")); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("new config.json mode %v", info.Mode().Perm())
	}
}

func TestConfigureDockerFollowsSymlink(t *testing.T) {
	dir, _ := dockerDir(t, "desktop.json", 0o600)
	real := filepath.Join(dir, "config.json")
	linkDir := t.TempDir()
	link := filepath.Join(linkDir, "config.json")
	require.NoError(t, os.Symlink(real, link))
	ta := newTestApp(t, dockerTestConfig, nil)
	if out, code := ta.runString(t, "", "configure-docker", "--dir", linkDir); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced by a file")
	}
	if !strings.Contains(string(mustRead(t, real)), `"registry.example.com": "regcred"`) {
		t.Error("the link's target was not updated")
	}
}

func TestConfigureDockerErrors(t *testing.T) {
	tests := []struct {
		name, content, config string
		args                  []string
		want                  string
	}{
		{name: "broken JSON", content: `{"auths": {`, config: dockerTestConfig, want: "not valid JSON"},
		{name: "not an object", content: `[1]`, config: dockerTestConfig, want: "not a JSON object"},
		{name: "credHelpers not strings", content: `{"credHelpers": {"registry.example.com": 1}}`, config: dockerTestConfig, want: "is not a string"},
		{name: "no hosts", content: `{}`, config: "registries:\n  - match: '*.example.com'\n    anonymous: {}\n", want: "nothing to configure"},
		{name: "bad flag", content: `{}`, config: dockerTestConfig, args: []string{"--bogus"}, want: "usage"},
		{name: "bad host", content: `{}`, config: dockerTestConfig, args: []string{"--host", "ftp://x"}, want: "--host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "config.json")
			require.NoError(t, os.WriteFile(path, []byte(tt.content), 0o600))
			ta := newTestApp(t, tt.config, nil)
			out, code := ta.runString(t, "", append([]string{"configure-docker", "--dir", dir}, tt.args...)...)
			if code != 1 || out != "" || !strings.Contains(ta.stderr.String(), tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %s", code, out, ta.stderr)
			}
			if string(mustRead(t, path)) != tt.content {
				t.Error("a failed run changed the file")
			}
		})
	}
}
