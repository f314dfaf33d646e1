package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestFrontWarmSealedTokenAnswersAlone: with `store: auto` and a session
// bus advertised (the desktop default), the token is sealed under the
// user's key in the kernel's persistent keyring, and the warm get is the
// front's alone, with the engine's bytes: no D-Bus, no engine. The bus
// address leads nowhere, so any D-Bus call would show as a warning and a
// missing route. The cache directory holds no token.
func TestFrontWarmSealedTokenAnswersAlone(t *testing.T) {
	testkit.SkipWithoutPersistentKeyring(t)
	cloud, keys, setup, dir := frontECRSetup(t, "auto")
	in := newInstall(t)
	env := pinnedEnv(t, append(setup, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))...)
	cold := runBinary(t, in.front, runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
	sealed, err := filepath.Glob(filepath.Join(dir, "tokens", "*.sealed"))
	require.NoError(t, err)
	require.Len(t, sealed, 1, "the engine did not seal; stderr %q", cold.Stderr)
	require.Equal(t, 1, routeCount(t, env), "the cold get recorded no route; stderr %q", cold.Stderr)

	var ans dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(cold.Stdout), &ans))
	require.NoError(t, filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			var data []byte
			data, err = os.ReadFile(path)
			assert.NotContains(t, string(data), ans.Secret, "%s holds the token", path)
		}
		return err
	}))

	warm := sameAnswer(t, in, env, ecrHost, "get")
	assert.Equal(t, cold.Stdout, warm.Stdout)
	lone := in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get")
	assert.Equal(t, 0, lone.Exit, "the front alone, warm, sealed: exit (stderr %q)", lone.Stderr)
	assert.Equal(t, cold.Stdout, lone.Stdout, "the front alone, warm, sealed, want the cold answer")
	assert.Empty(t, lone.Stderr, "the front alone, warm, sealed: stderr")
	assert.Equal(t, 1, cloud.Calls(ecrtest.ECR), "GetAuthorizationToken calls: the cold get's only")

	list := runBinary(t, in.engine, runOpts{Env: env}, "cache", "list")
	assert.Contains(t, list.Stdout, ecrHost)
	assert.Contains(t, list.Stdout, "sealed")
	assert.NotContains(t, list.Stdout+list.Stderr, ans.Secret)
	clear := runBinary(t, in.engine, runOpts{Env: env}, "cache", "clear")
	assert.Contains(t, clear.Stdout, "cleared 1 cached credential")
	left, _ := filepath.Glob(filepath.Join(dir, "tokens", "*"))
	assert.Empty(t, left, "cache clear leaves sealed records")
	in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get"))
	assert.False(t, strings.Contains(clear.Stdout+clear.Stderr, ans.Secret))
}
