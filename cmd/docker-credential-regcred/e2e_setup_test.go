package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/registrytest"
)

// TestSetupPodmanDropInWithSkopeo: the registries.conf drop-in that
// `setup podman --write` puts in the user's containers config makes skopeo
// (containers/image) ask regcred; without it the registry refuses skopeo.
func TestSetupPodmanDropInWithSkopeo(t *testing.T) {
	skopeo := registrytest.RequireTool(t, "skopeo", "skopeo")
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:1.0")
	home := t.TempDir()
	cfg := writeConfig(t, "registries:\n"+staticEntries(reg.Username, reg.Addr))
	emptyAuth := filepath.Join(t.TempDir(), "auth.json")
	writeJSONFile(t, emptyAuth, map[string]any{})
	env := clientEnv(t, "HOME="+home,
		"REGCRED_CONFIG="+cfg, "REG_PW="+reg.Password)
	image := "docker://" + reg.Addr + "/team/app:1.0"

	out, err := runSkopeo(t, skopeo, env, "inspect", "--tls-verify=false", "--authfile", emptyAuth, image)
	require.Error(t, err, "control: before setup skopeo should be refused, got:\n%s", out)
	res := runBinary(t, testBinary(t), runOpts{Env: env}, "setup", "podman", "--write", "--user")
	dropIn := filepath.Join(home, ".config", "containers", "registries.conf.d", "50-regcred.conf")
	require.Equal(t, 0, res.Exit, "setup podman --write: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	require.Contains(t, res.Stdout, "wrote "+dropIn, "setup podman --write: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	out, err = runSkopeo(t, skopeo, env, "inspect", "--tls-verify=false", "--authfile", emptyAuth, image)
	require.NoError(t, err, "skopeo with the drop-in:\n%s", out)
	assert.NotContains(t, out, reg.Password, "skopeo printed the password")
}
