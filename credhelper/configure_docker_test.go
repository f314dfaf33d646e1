package credhelper

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/stretchr/testify/assert"
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
	require.NoError(t, json.Unmarshal(data, &m), "not a JSON object:\n%s", data)
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
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok, "not a JSON object")
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
			require.Zero(t, code, "stderr: %s", ta.stderr)
			require.Contains(t, out, "updated ")
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
			assert.Equal(t, old, updated, "members other than credHelpers changed")
			for k, v := range tt.existing {
				assert.Equal(t, v, oldHelpers[k], "credHelpers[%q] before", k)
				assert.Equal(t, v, helpers[k], "credHelpers[%q] not kept", k)
			}
			for _, h := range wantHelpers {
				assert.Equal(t, "regcred", helpers[h], "credHelpers[%q]", h)
			}
			assert.Len(t, helpers, len(tt.existing)+len(wantHelpers), "credHelpers")
			if before != nil && json.Valid(before) {
				for _, m := range topMembers(t, before) {
					if m.key != "credHelpers" {
						assert.Contains(t, string(after), string(m.value), "%q was not kept byte for byte", m.key)
					}
				}
			}
			if before != nil {
				oldKeys, newKeys := topLevelKeys(t, before), topLevelKeys(t, after)
				require.GreaterOrEqual(t, len(newKeys), len(oldKeys), "top-level members lost")
				assert.Equal(t, oldKeys, newKeys[:len(oldKeys)], "top-level order changed")
			}
			info, err := os.Stat(path)
			require.NoError(t, err)
			assert.Equal(t, tt.mode, info.Mode().Perm(), "mode not kept")
			assertOnlyFile(t, dir, "config.json")

			out, code = ta.runString(t, "", "configure-docker", "--dir", dir)
			again, _ := os.ReadFile(path)
			assert.Zero(t, code, "second run")
			assert.Contains(t, out, "already configured", "second run")
			assert.Equal(t, string(after), string(again), "second run changed the file")
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
	assert.Equal(t, names, got, "%s holds other files (a temp file left behind?)", dir)
}

func TestConfigureDockerDryRunDiff(t *testing.T) {
	dir, before := dockerDir(t, "plaintext-auths.json", 0o600)
	ta := newTestApp(t, dockerTestConfig, nil)
	diff, code := ta.runString(t, "", "configure-docker", "--dir", dir, "--dry-run")
	require.Zero(t, code, "stderr: %s", ta.stderr)
	path := filepath.Join(dir, "config.json")
	now, _ := os.ReadFile(path)
	require.Equal(t, string(before), string(now), "--dry-run wrote the file")
	for _, want := range []string{"--- " + path, "+++ " + path, "@@ ", `+	"credHelpers": {`, `+		"registry.example.com": "regcred"`} {
		assert.Contains(t, diff, want, "diff")
	}
	assert.Contains(t, ta.stderr.String(), `auths["registry.example.com"]`, "no note about the now unused stored credential")
	// The diff must be one `patch` applies to get what a real run writes.
	patchTool, err := exec.LookPath("patch")
	if err != nil {
		t.Skip("patch not installed (apt-get install patch)")
	}
	copyPath := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, os.WriteFile(copyPath, before, 0o600))
	cmd := exec.Command(patchTool, "--silent", copyPath)
	cmd.Stdin = strings.NewReader(diff)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "patch refused the diff:\n%s\n%s", out, diff)
	_, code = ta.runString(t, "", "configure-docker", "--dir", dir)
	require.Zero(t, code, "configure-docker failed")
	patched, _ := os.ReadFile(copyPath)
	written, _ := os.ReadFile(path)
	assert.Equal(t, string(written), string(patched), "the dry-run diff does not produce the written file")
	dry, _ := ta.runString(t, "", "configure-docker", "--dir", dir, "--dry-run")
	assert.Contains(t, dry, "already configured; nothing would change", "dry run on a configured file")
}

func TestConfigureDockerOtherHelper(t *testing.T) {
	dir, _ := dockerDir(t, "gcloud-ecr-helpers.json", 0o600)
	ta := newTestApp(t, "", nil)
	out, code := ta.runString(t, "", "configure-docker", "--dir", dir, "--host", "gcr.io", "--host", "https://Reg.Example.COM:443/v2/")
	require.Zero(t, code, "stdout %s stderr %s", out, ta.stderr)
	assert.Contains(t, ta.stderr.String(), `credHelpers["gcr.io"] is "gcloud"; left alone`)
	got := decodeObject(t, testkit.ReadFile(t, filepath.Join(dir, "config.json")))["credHelpers"].(map[string]any)
	assert.Equal(t, "gcloud", got["gcr.io"], "credHelpers = %v", got)
	assert.Equal(t, "regcred", got["reg.example.com"], "credHelpers = %v", got)
	_, code = ta.runString(t, "", "configure-docker", "--dir", dir, "--host", "gcr.io", "--force")
	require.Zero(t, code, "--force failed")
	got = decodeObject(t, testkit.ReadFile(t, filepath.Join(dir, "config.json")))["credHelpers"].(map[string]any)
	assert.Equal(t, "regcred", got["gcr.io"], "after --force credHelpers = %v", got)
	assert.Equal(t, "gcloud", got["us.gcr.io"], "after --force credHelpers = %v", got)
}

func TestConfigureDockerCloudAndEnv(t *testing.T) {
	dir := t.TempDir()
	ta := newTestApp(t, "", map[string]string{"DOCKER_CONFIG": dir})
	out, code := ta.runString(t, "", "configure-docker", "--cloud")
	require.Zero(t, code, "stdout %s stderr %s", out, ta.stderr)
	got := decodeObject(t, testkit.ReadFile(t, filepath.Join(dir, "config.json")))["credHelpers"].(map[string]any)
	for _, h := range []string{"gcr.io", "eu.gcr.io", "us-docker.pkg.dev", "europe-west1-docker.pkg.dev", "public.ecr.aws"} {
		assert.Equal(t, "regcred", got[h], "--cloud did not add %s: %v", h, got)
	}
	info, err := os.Stat(filepath.Join(dir, "config.json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "new config.json mode")
}

func TestConfigureDockerFollowsSymlink(t *testing.T) {
	dir, _ := dockerDir(t, "desktop.json", 0o600)
	real := filepath.Join(dir, "config.json")
	linkDir := t.TempDir()
	link := filepath.Join(linkDir, "config.json")
	require.NoError(t, os.Symlink(real, link))
	ta := newTestApp(t, dockerTestConfig, nil)
	out, code := ta.runString(t, "", "configure-docker", "--dir", linkDir)
	require.Zero(t, code, "stdout %s", out)
	info, err := os.Lstat(link)
	require.NoError(t, err)
	require.NotZero(t, info.Mode()&os.ModeSymlink, "the symlink was replaced by a file")
	assert.Contains(t, string(testkit.ReadFile(t, real)), `"registry.example.com": "regcred"`, "the link's target was not updated")
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
			assert.Equal(t, 1, code, "exit code")
			assert.Empty(t, out, "stdout")
			assert.Contains(t, ta.stderr.String(), tt.want, "stderr")
			assert.Equal(t, tt.content, string(testkit.ReadFile(t, path)), "a failed run changed the file")
		})
	}
}
