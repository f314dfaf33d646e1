package credhelper

import (
	"os"
	"path/filepath"
	"testing"

	"fmt"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/stretchr/testify/assert"
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
		require.Equal(t, 0, code, "%v: exit, output:\n%s", args, out)
		require.Contains(t, out, "auth", "%v: output shows no auths member to check", args)
		testkit.AssertNoSecret(t, fmt.Sprintf("%v's output", args), out+ta.stderr.String(), secret, "SECRET")
	}
	got, _ := os.ReadFile(filepath.Join(dir, "config.json"))
	assert.Contains(t, string(got), secret, "the file itself lost its secret")
}
