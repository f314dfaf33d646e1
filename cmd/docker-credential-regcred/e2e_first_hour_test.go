package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	if res.Exit != 1 || !strings.Contains(res.Stderr, "proved nothing") || !strings.Contains(res.Stderr, "name a request") {
		t.Errorf("check --verify with only a glob entry: exit %d\nstdout:\n%s\nstderr:\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	json := runBinary(t, testBinary(t), runOpts{Env: env}, "check", "--verify", "--output", "json")
	if json.Exit != 1 || !strings.Contains(json.Stdout, `"nothingVerified": true`) {
		t.Errorf("check --verify --output json: exit %d\n%s", json.Exit, json.Stdout)
	}
	if plain := runBinary(t, testBinary(t), runOpts{Env: env}, "check"); plain.Exit != 0 {
		t.Errorf("check without --verify promises no proof and passes: exit %d\n%s%s", plain.Exit, plain.Stdout, plain.Stderr)
	}
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
	if res.Exit != 0 {
		t.Fatalf("exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	}
	for _, want := range []string{
		"--image-credential-provider-config=" + file,
		"--image-credential-provider-bin-dir=" + filepath.Dir(testBinary(t)),
	} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("the notes lack %q:\n%s", want, res.Stdout)
		}
	}
	written, err := os.ReadFile(file)
	must(t, err)
	for _, want := range []string{`defaultCacheDuration: "10m0s"`, "come from regcred's built-in cloud entries", "defaults: false"} {
		if !strings.Contains(string(written), want) {
			t.Errorf("the written file lacks %q:\n%s", want, written)
		}
	}
}

// TestSubcommandHelpThroughTheFront: `setup podman --help`, handed by the
// front to the engine, prints the usage and exits 0.
func TestSubcommandHelpThroughTheFront(t *testing.T) {
	res := runBinary(t, testBinary(t), runOpts{}, "setup", "podman", "--help")
	if res.Exit != 0 || !strings.Contains(res.Stdout, "setup podman|crio|kubelet|nerdctl|containerd") {
		t.Errorf("setup podman --help: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	}
}

// TestVariableInMatchSaysItIsNotExpanded: `match: "$CI_REGISTRY"` is
// refused saying variables are not expanded there, not as a bad label.
func TestVariableInMatchSaysItIsNotExpanded(t *testing.T) {
	cfg := writeConfig(t, "registries:\n  - match: \"$CI_REGISTRY\"\n    static: {usernameEnv: CI_REGISTRY_USER, passwordEnv: CI_REGISTRY_PASSWORD}\n")
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg, "CI_REGISTRY=reg.example.com"}}, "check")
	if res.Exit != 1 || !strings.Contains(res.Stdout+res.Stderr, "variables are not expanded") {
		t.Errorf("check: exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	}
}

// TestRelativePathsAreTheConfigsDirectorys: `passwordFile: registry-password`
// is the file next to the config, whatever directory the client runs in;
// a missing one names the directory, not the name (a secret may have been
// typed there).
func TestRelativePathsAreTheConfigsDirectorys(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "registry-password"), []byte("rel-pw-5e\n"), 0o600))
	cfg := filepath.Join(dir, "config.yaml")
	must(t, os.WriteFile(cfg, []byte("registries:\n  - match: reg.example.com\n    static: {username: robot, passwordFile: registry-password}\n  - match: other.example.com\n    static: {username: robot, passwordFile: glpat-typed-here-1}\n"), 0o600))
	env := []string{"REGCRED_CONFIG=" + cfg}
	for _, cwd := range []string{dir, t.TempDir(), "/"} {
		res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "reg.example.com", Dir: cwd}, "get")
		if res.Exit != 0 || !strings.Contains(res.Stdout, "rel-pw-5e") {
			t.Errorf("get from %s: exit %d %q %s", cwd, res.Exit, res.Stdout, res.Stderr)
		}
	}
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: "other.example.com", Dir: "/"}, "get")
	if res.Exit != 1 || !strings.Contains(res.Stdout, "relative to "+dir) || strings.Contains(res.Stdout+res.Stderr, "glpat-typed-here-1") {
		t.Errorf("a missing relative file: exit %d %q %s", res.Exit, res.Stdout, res.Stderr)
	}
}

// TestEveryUnsetVariableIsNamed: a static entry whose username and
// password variables are both unset names both at once, not one per run.
func TestEveryUnsetVariableIsNamed(t *testing.T) {
	cfg := writeConfig(t, "registries:\n  - match: reg.example.com\n    static: {usernameEnv: CI_REGISTRY_USER, passwordEnv: CI_REGISTRY_PASSWORD}\n")
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg}, Stdin: "reg.example.com"}, "get")
	for _, want := range []string{"username variable CI_REGISTRY_USER is not set", "password variable CI_REGISTRY_PASSWORD is not set"} {
		if res.Exit != 1 || !strings.Contains(res.Stdout, want) {
			t.Errorf("get: exit %d, stdout lacks %q: %s", res.Exit, want, res.Stdout)
		}
	}
}
