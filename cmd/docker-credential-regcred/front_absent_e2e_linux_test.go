package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"

	"github.com/regcred/regcred/internal/testkit"
)

// TestFrontAnswersRememberedAbsenceAlone: off the cloud (metadata
// addresses black-holed, no credentials), the first get of ECR Public or
// gcr.io pays the probe through the engine, which remembers the absence
// and records a route bound to it; from then on the front answers alone,
// with the engine's bytes and without probing. Its identity file written,
// or its absence record tampered with, sends the get back to the engine.
func TestFrontAnswersRememberedAbsenceAlone(t *testing.T) {
	tests := []struct {
		name, request string
		// identityFile is the file under the home the entry's key hashes.
		identityFile string
		hole         func(aws, google *testkit.BlackHole) *testkit.BlackHole
	}{
		{name: "AWS, ECR Public", request: "public.ecr.aws/x", identityFile: ".aws/credentials",
			hole: func(aws, _ *testkit.BlackHole) *testkit.BlackHole { return aws }},
		{name: "Google, gcr.io", request: "gcr.io/x", identityFile: ".config/gcloud/application_default_credentials.json",
			hole: func(_, google *testkit.BlackHole) *testkit.BlackHole { return google }},
	}
	for _, store := range []string{"file", "auto"} {
		for _, tt := range tests {
			t.Run(store+"/"+tt.name, func(t *testing.T) {
				absentAlone(t, store, tt.request, tt.identityFile, tt.hole)
			})
		}
	}
}

// absentAlone is one case of TestFrontAnswersRememberedAbsenceAlone, with
// the absence remembered in the file store, or under auto (with a session
// bus advertised that leads nowhere) sealed where the kernel's persistent
// keyring is there.
func absentAlone(t *testing.T, store, request, identityFile string, holeOf func(aws, google *testkit.BlackHole) *testkit.BlackHole) {
	aws, google := testkit.NewBlackHole(t), testkit.NewBlackHole(t)
	hole := holeOf(aws, google)
	env, home := absentEnv(t, aws, google, "registries: []\n")
	env = append(cleanEnv(t), env...)
	records := filepath.Join(home, "cache", "tokens", "*.json")
	if store == "auto" {
		cfg := writeConfig(t, "cache: {store: auto, dir: \""+filepath.Join(home, "cache")+"\"}\nregistries: []\n")
		env = append(env, "REGCRED_CONFIG="+cfg, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))
		if _, err := unix.KeyctlInt(unix.KEYCTL_GET_PERSISTENT, -1, unix.KEY_SPEC_PROCESS_KEYRING, 0, 0); err == nil {
			records = filepath.Join(home, "cache", "tokens", "*.sealed")
		}
	}
	in := newInstall(t)
	opts := runOpts{Env: env, Stdin: request}
	in.checkHandedOff(t, in.alone(t, opts, "get"))

	first := runBinary(t, in.front, opts, "get")
	require.Equal(t, 1, first.Exit, "first get: exit %d %q (stderr %q), want not found", first.Exit, first.Stdout, first.Stderr)
	require.Equal(t, frontNotFound, first.Stdout, "first get: stderr %q", first.Stderr)
	probes := hole.Conns()
	require.Positive(t, probes, "the first get did not probe the metadata address")
	require.Equal(t, 1, routeCount(t, env), "the engine recorded no route for the remembered absence")

	back := runBinary(t, in.engine, opts, "get")
	lone := in.alone(t, opts, "get")
	assert.Equal(t, back.Stdout, lone.Stdout, "the front alone answered exit %d %q (stderr %q); the engine %d %q", lone.Exit, lone.Stdout, lone.Stderr, back.Exit, back.Stdout)
	assert.Equal(t, back.Exit, lone.Exit, "the front alone answered exit %d %q (stderr %q); the engine %d %q", lone.Exit, lone.Stdout, lone.Stderr, back.Exit, back.Stdout)
	assert.Equal(t, "", lone.Stderr, "the front alone")
	assert.Equal(t, probes, hole.Conns(), "a remembered absence probed again")

	// Its identity file written: another key, the engine's to try.
	file := filepath.Join(home, identityFile)
	require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o700))
	require.NoError(t, os.WriteFile(file, []byte("[default]\n"), 0o600))
	in.checkHandedOff(t, in.alone(t, opts, "get"))
	require.NoError(t, os.Remove(file)) // missing again: the same key as when remembered
	again := in.alone(t, opts, "get")
	assert.Equal(t, back.Stdout, again.Stdout, "identity file removed again: the front alone answered exit %d (stderr %q)", again.Exit, again.Stderr)

	// The absence record tampered with: the engine's to judge.
	found, err := filepath.Glob(records)
	require.NoError(t, err)
	require.Len(t, found, 1, "want the one absence record, %s", records)
	data, err := os.ReadFile(found[0])
	require.NoError(t, err)
	if strings.HasSuffix(found[0], ".sealed") {
		data[len(data)-1] ^= 1 // the GCM tag's last byte: it no longer opens
	} else {
		record, ok := strings.CutSuffix(strings.TrimSpace(string(data)), "}")
		require.True(t, ok, "the absence record is not a JSON object")
		data = []byte(record + ",}") // no longer JSON
	}
	require.NoError(t, os.WriteFile(found[0], data, 0o600))
	in.checkHandedOff(t, in.alone(t, opts, "get"))
}
