package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The first hour of a new user: what they paste from the README and docs
// works, and every refusal says what to do.

// TestCheckVerifyThatProvesNothingFails: `check --verify` on a config whose
// only entry is a glob (the README's CI example) verifies nothing; it must
// fail a CI job and say how to name a request, not print "ok (skipped)".
func TestCheckVerifyThatProvesNothingFails(t *testing.T) {
	cfg := writeConfig(t, "registries:\n  - match: \"*.example.com\"\n    static: {usernameEnv: CI_REGISTRY_USER, passwordEnv: CI_REGISTRY_PASSWORD}\n")
	env := []string{"REGCRED_CONFIG=" + cfg, "CI_REGISTRY_USER=ci", "CI_REGISTRY_PASSWORD=ci-pw-7f"}
	res := runBinary(t, testBinary(t), runOpts{Env: env}, "check", "--verify")
	assert.Equal(t, 1, res.Exit, "check --verify with only a glob entry: exit %d\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
	assert.Contains(t, res.Stderr, "proved nothing", "check --verify with only a glob entry: exit %d\nstdout:\n%s\nstderr", res.Exit, res.Stdout)
	assert.Contains(t, res.Stderr, "name a request", "check --verify with only a glob entry: exit %d\nstdout:\n%s\nstderr", res.Exit, res.Stdout)
	json := runBinary(t, testBinary(t), runOpts{Env: env}, "check", "--verify", "--output", "json")
	assert.Equal(t, 1, json.Exit, "check --verify --output json: exit %d\n%s", json.Exit, json.Stdout)
	assert.Contains(t, json.Stdout, `"nothingVerified": true`, "check --verify --output json: exit %d", json.Exit)
	plain := runBinary(t, testBinary(t), runOpts{Env: env}, "check")
	assert.Equal(t, 0, plain.Exit, "check without --verify promises no proof and passes: exit %d\n%s%s", plain.Exit, plain.Stdout, plain.Stderr)
}

// TestSetupKubeletNamesWhatItWrote: the flags `setup kubelet` prints name
// the file it wrote (--file) and the directory the executables run from;
// defaultCacheDuration is the config's cache.ttl; the built-in entries'
// patterns are said to be theirs, with how to drop them.
func TestSetupKubeletNamesWhatItWrote(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "node", "credential-provider.yaml")
	cfg := writeConfig(t, "cache: {ttl: 10m}\nregistries:\n  - match: reg.example.com\n    static: {username: u, passwordEnv: PW}\n")
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}}, "setup", "kubelet", "--write", "--file", file)
	require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	for _, want := range []string{
		"--image-credential-provider-config=" + file,
		"--image-credential-provider-bin-dir=" + filepath.Dir(testBinary(t)),
	} {
		assert.Contains(t, res.Stdout, want, "the notes lack %q", want)
	}
	written, err := os.ReadFile(file)
	require.NoError(t, err)
	for _, want := range []string{`defaultCacheDuration: "10m0s"`, "come from regcred's built-in cloud entries", "defaults: false"} {
		assert.Contains(t, string(written), want, "the written file lacks %q:\n%s", want, written)
	}
}

// TestSubcommandHelpThroughTheFront: `setup podman --help`, handed by the
// front to the engine, prints the usage and exits 0.
func TestSubcommandHelpThroughTheFront(t *testing.T) {
	res := runBinary(t, testBinary(t), runOpts{}, "setup", "podman", "--help")
	assert.Equal(t, 0, res.Exit, "setup podman --help: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	assert.Contains(t, res.Stdout, "setup podman|crio|kubelet|nerdctl|containerd", "setup podman --help: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
}

// TestVariableInMatchSaysItIsNotExpanded: `match: "$CI_REGISTRY"` is
// refused saying variables are not expanded there, not as a bad label.
func TestVariableInMatchSaysItIsNotExpanded(t *testing.T) {
	cfg := writeConfig(t, "registries:\n  - match: \"$CI_REGISTRY\"\n    static: {usernameEnv: CI_REGISTRY_USER, passwordEnv: CI_REGISTRY_PASSWORD}\n")
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg, "CI_REGISTRY=reg.example.com"}}, "check")
	assert.Equal(t, 1, res.Exit, "check: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	assert.Contains(t, res.Stdout+res.Stderr, "variables are not expanded", "check: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
}

// TestRelativePathsAreTheConfigsDirectorys: `passwordFile: registry-password`
// is the file next to the config, whatever directory the client runs in;
// a missing one names the directory, not the name (a secret may have been
// typed there).
func TestRelativePathsAreTheConfigsDirectorys(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "registry-password"), []byte("rel-pw-5e\n"), 0o600))
	cfg := filepath.Join(dir, "config.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("registries:\n  - match: reg.example.com\n    static: {username: robot, passwordFile: registry-password}\n  - match: other.example.com\n    static: {username: robot, passwordFile: glpat-typed-here-1}\n"), 0o600))
	env := []string{"REGCRED_CONFIG=" + cfg}
	for _, cwd := range []string{dir, t.TempDir(), "/"} {
		res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com", Dir: cwd}, "get")
		assert.Equal(t, 0, res.Exit, "get from %s: exit %d %q %s", cwd, res.Exit, res.Stdout, res.Stderr)
		assert.Contains(t, res.Stdout, "rel-pw-5e", "get from %s: exit %d %q %s", cwd, res.Exit, res.Stdout, res.Stderr)
	}
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "other.example.com", Dir: "/"}, "get")
	assert.Equal(t, 1, res.Exit, "a missing relative file: exit %d %q %s", res.Exit, res.Stdout, res.Stderr)
	assert.Contains(t, res.Stdout, "relative to "+dir, "a missing relative file: exit %d %q %s", res.Exit, res.Stdout, res.Stderr)
	assert.NotContains(t, res.Stdout+res.Stderr, "glpat-typed-here-1", "a missing relative file: exit %d %q %s", res.Exit, res.Stdout, res.Stderr)
}

// TestEveryUnsetVariableIsNamed: a static entry whose username and
// password variables are both unset names both at once, not one per run.
func TestEveryUnsetVariableIsNamed(t *testing.T) {
	cfg := writeConfig(t, "registries:\n  - match: reg.example.com\n    static: {usernameEnv: CI_REGISTRY_USER, passwordEnv: CI_REGISTRY_PASSWORD}\n")
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}, Stdin: "reg.example.com"}, "get")
	for _, want := range []string{"username variable CI_REGISTRY_USER is not set", "password variable CI_REGISTRY_PASSWORD is not set"} {
		assert.Equal(t, 1, res.Exit, "get: exit %d, stdout lacks %q: %s", res.Exit, want, res.Stdout)
		assert.Contains(t, res.Stdout, want, "get: exit %d, stdout lacks %q", res.Exit, want)
	}
}
