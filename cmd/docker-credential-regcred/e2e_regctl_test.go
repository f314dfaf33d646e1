package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/registrytest"
)

// requireRegctl finds regctl (`make tools` installs it into GOPATH/bin):
// skipped on a developer's machine without it, failed in CI.
func requireRegctl(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("regctl"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "regctl")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "regctl not found; `make tools` installs it"
	require.NotEqual(t, "true", os.Getenv("CI"), msg)
	t.Skip(msg)
	return ""
}

// regctl runs regctl with its own config in a temp dir and docker's config
// in dockerDir, the built executables first on PATH.
func regctl(t *testing.T, bin string, env []string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	require.NoError(t, ctx.Err(), "regctl %v hung", args)
	return string(out), err
}

// TestRegctlWithCredsStore: regctl (regclient) learns its hosts only from
// `list` when regcred is credsStore. A host that list names (a static
// entry that reads) is pulled through, with a broken entry for another
// registry beside it. A globbed entry is never listed: regctl then needs
// the host under credHelpers (configure-docker --host writes it) or in
// regctl's own config, as docs/clients.md says.
func TestRegctlWithCredsStore(t *testing.T) {
	bin := requireRegctl(t)
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:v1")
	_, port, _ := strings.Cut(reg.Addr, ":")
	glob := "localhost:" + port // the same registry, under a name a glob matches
	cfg := writeConfig(t, "registries:\n"+staticEntries(reg.Username, reg.Addr+"/team", "local*:"+port+"/team")+brokenOtherEntry)
	tests := []struct {
		name, host string
		docker     map[string]any
		setArgs    []string // more `regctl registry set` flags
		wantOK     bool
	}{
		{name: "listed host", host: reg.Addr, docker: map[string]any{"credsStore": "regcred"}, wantOK: true},
		{name: "glob, credsStore only", host: glob, docker: map[string]any{"credsStore": "regcred"}},
		{name: "glob, host under credHelpers", host: glob, wantOK: true,
			docker: map[string]any{"credsStore": "regcred", "credHelpers": map[string]string{glob: "regcred"}}},
		{name: "glob, host set in regctl", host: glob, wantOK: true, docker: map[string]any{"credsStore": "regcred"},
			setArgs: []string{"--cred-helper", "docker-credential-regcred"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dockerDir, regctlDir := t.TempDir(), t.TempDir()
			writeJSONFile(t, filepath.Join(dockerDir, "config.json"), tt.docker)
			env := clientEnv(t,
				"DOCKER_CONFIG="+dockerDir, "REGCTL_CONFIG="+filepath.Join(regctlDir, "config.json"), "REGCRED_CONFIG="+cfg, "REG_PW="+reg.Password)
			out, err := regctl(t, bin, env, append([]string{"registry", "set", tt.host, "--tls", "disabled", "--skip-check"}, tt.setArgs...)...)
			require.NoError(t, err, "regctl registry set:\n%s", out)
			out, err = regctl(t, bin, env, "image", "manifest", tt.host+"/team/app:v1")
			if tt.wantOK {
				assert.NoError(t, err, "regctl image manifest:\n%s", out)
			}
			if !tt.wantOK {
				assert.Error(t, err, "regctl read the manifest without a credential: the test registry let it in\n%s", out)
			}
			assert.NotContains(t, out, reg.Password, "the password reached regctl's output")
		})
	}
}
