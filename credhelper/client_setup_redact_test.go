package credhelper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDisplayedDockerConfigHidesSecrets(t *testing.T) {
	const secret = "ZGVtbzpTVVBFUlNFQ1JFVA=="
	dir := t.TempDir()
	cfgJSON := `{"auths": {"reg.example.com": {"auth": "` + secret + `"}, "b.example.com": {"identitytoken": "idtok-SECRET", "password": "pw\"SECRET"}}}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfgJSON), 0o600))
	ta := newTestApp(t, "registries:\n  - match: new.example.com\n    static: {username: u, passwordEnv: PW}\n", map[string]string{"DOCKER_CONFIG": dir})
	for _, args := range [][]string{
		{"configure-docker", "--dir", dir, "--dry-run"},
		{"setup", "nerdctl"},
	} {
		out, code := ta.runString(t, "", args...)
		if code != 0 || !strings.Contains(out, "auth") {
			t.Fatalf("%v: exit %d, output shows no auths member to check:\n%s", args, code, out)
		}
		all := out + ta.stderr.String()
		if strings.Contains(all, secret) || strings.Contains(all, "SECRET") {
			t.Errorf("%v (exit %d) shows a stored secret:\n%s", args, code, all)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "config.json")); !strings.Contains(string(got), secret) {
		t.Error("the file itself lost its secret")
	}
}
