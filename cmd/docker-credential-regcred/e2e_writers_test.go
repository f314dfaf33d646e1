package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// The writers (configure-docker, setup --write) edit files users care
// about. These tests run them as users' machines would: under sudo for a
// user's home, in parallel, killed mid-write, through dotfile symlinks.

// userHome is a home directory owned by testkit.ForeignUID, with the given files
// (mode 0600, owned by the user) in it.
func userHome(t *testing.T, files map[string]string) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	require.NoError(t, os.Mkdir(home, 0o750))
	require.NoError(t, os.Chown(home, testkit.ForeignUID, testkit.ForeignUID))
	for rel, content := range files {
		p := filepath.Join(home, rel)
		for d := filepath.Dir(p); d != home; d = filepath.Dir(d) {
			if _, err := os.Stat(d); err != nil {
				require.NoError(t, os.MkdirAll(d, 0o700))
				require.NoError(t, os.Chown(d, testkit.ForeignUID, testkit.ForeignUID))
			}
		}
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		require.NoError(t, os.Chown(p, testkit.ForeignUID, testkit.ForeignUID))
	}
	return home
}

func ownerMode(t *testing.T, p string) (int, fs.FileMode) {
	t.Helper()
	info, err := os.Lstat(p)
	require.NoError(t, err)
	return fileUID(info), info.Mode().Perm()
}

func writerConfig(t *testing.T) string {
	return writeConfig(t, "registries:\n  - match: reg.example.com\n    static: {username: u, passwordEnv: PW}\n")
}

// TestWritersUnderSudoLeaveTheUsersFilesTheirs is finding 1: root running
// a set-up command for a user's home leaves every file and directory it
// writes owned by the user.
func TestWritersUnderSudoLeaveTheUsersFilesTheirs(t *testing.T) {
	testkit.NeedRoot(t)
	tests := []struct {
		name  string
		files map[string]string
		args  func(home string) []string
		env   func(home string) []string
		check []string // paths under home that must be the user's
	}{
		{name: "setup nerdctl --write with DOCKER_CONFIG", files: map[string]string{".docker/config.json": `{"auths":{"x.example.com":{"auth":"dTpw"}}}`},
			args:  func(string) []string { return []string{"setup", "nerdctl", "--write"} },
			env:   func(home string) []string { return []string{"DOCKER_CONFIG=" + filepath.Join(home, ".docker")} },
			check: []string{".docker/config.json", ".docker/config.json.*.bak"}},
		{name: "configure-docker --dir into a missing directory",
			args: func(home string) []string {
				return []string{"configure-docker", "--dir", filepath.Join(home, ".docker")}
			},
			check: []string{".docker", ".docker/config.json"}},
		{name: "setup podman --write --user",
			args:  func(string) []string { return []string{"setup", "podman", "--write", "--user"} },
			check: []string{".config", ".config/containers", ".config/containers/registries.conf.d", ".config/containers/registries.conf.d/50-regcred.conf"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := userHome(t, tt.files)
			env := []string{"HOME=" + home, "REGCRED_CONFIG=" + writerConfig(t)}
			if tt.env != nil {
				env = append(env, tt.env(home)...)
			}
			res := runBinary(t, testBinary(t), runOpts{Env: env}, tt.args(home)...)
			require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
			for _, pattern := range tt.check {
				matches, _ := filepath.Glob(filepath.Join(home, pattern))
				if !assert.Len(t, matches, 1, "%s", pattern) {
					continue
				}
				uid, mode := ownerMode(t, matches[0])
				assert.Equal(t, testkit.ForeignUID, uid, "%s is owned by uid %d (mode %v), want the user's %d", pattern, uid, mode, testkit.ForeignUID)
			}
		})
	}
}

// TestSetupCrioDropInDirectoryIsPublic is finding 2: a registries.conf.d
// regcred creates is readable by every user's containers/image.
func TestSetupCrioDropInDirectoryIsPublic(t *testing.T) {
	etc := t.TempDir()
	require.NoError(t, os.Chmod(etc, 0o755))
	file := filepath.Join(etc, "containers", "registries.conf.d", "50-regcred.conf")
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + writerConfig(t)}}, "setup", "crio", "--write", "--file", file)
	require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	for _, p := range []string{filepath.Dir(filepath.Dir(file)), filepath.Dir(file)} {
		_, mode := ownerMode(t, p)
		assert.EqualValues(t, 0o755, mode, "%s: mode %v, want 0755", p, mode)
	}
	_, mode := ownerMode(t, file)
	assert.EqualValues(t, 0o644, mode, "drop-in mode %v, want 0644", mode)
}

// TestSetupBackupsAreNeverOverwritten is finding 3's first half: runs in
// one second each keep the file they replaced.
func TestSetupBackupsAreNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "50-regcred.conf")
	require.NoError(t, os.WriteFile(file, []byte("# the user's original\n"), 0o644))
	env := []string{"REGCRED_CONFIG=" + writerConfig(t)}
	for range 3 {
		res := runBinary(t, testBinary(t), runOpts{Env: env}, "setup", "crio", "--write", "--file", file)
		require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
		require.NoError(t, os.WriteFile(file, []byte("# edited again\n"), 0o644)) // so the next run replaces something
	}
	backups, _ := filepath.Glob(file + ".*.bak")
	require.Len(t, backups, 3, "backups %v, want 3", backups)
	found := false
	for _, b := range backups {
		data, err := os.ReadFile(b)
		require.NoError(t, err)
		found = found || string(data) == "# the user's original\n"
	}
	assert.True(t, found, "no backup holds the original file")
}

// TestConcurrentConfigureDockerLosesNoHost is finding 6: parallel
// configure-docker runs on one file each add their host; none is lost.
func TestConcurrentConfigureDockerLosesNoHost(t *testing.T) {
	dir := t.TempDir()
	env := []string{"REGCRED_CONFIG=" + writerConfig(t)}
	const n = 16
	var wg sync.WaitGroup
	results := make([]runResult, n)
	for i := range n {
		wg.Go(func() {
			results[i] = runBinary(t, testBinary(t), runOpts{Env: env}, "configure-docker", "--dir", dir, "--host", fmt.Sprintf("h%d.example.com", i))
		})
	}
	wg.Wait()
	for i, r := range results {
		assert.Equal(t, 0, r.Exit, "run %d: exit %d %s %s", i, r.Exit, r.Stdout, r.Stderr)
	}
	helpers := readCredHelpers(t, filepath.Join(dir, "config.json"))
	for i := range n {
		h := fmt.Sprintf("h%d.example.com", i)
		assert.Equal(t, "regcred", helpers[h], "%s lost: credHelpers = %v", h, helpers)
	}
}

// TestConfigureDockerWritesThroughADanglingSymlink is finding 9: a
// config.json that links to a dotfile repository's file not yet there
// stays a link; its target is written.
func TestConfigureDockerWritesThroughADanglingSymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "dotfiles", "docker-config.json")
	require.NoError(t, os.Mkdir(filepath.Dir(target), 0o700))
	link := filepath.Join(dir, "config.json")
	require.NoError(t, os.Symlink(target, link))
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + writerConfig(t)}}, "configure-docker", "--dir", dir, "--host", "a.example.com")
	require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	info, err := os.Lstat(link)
	require.NoError(t, err, "config.json is no longer a symlink")
	require.NotEqualValues(t, 0, info.Mode()&fs.ModeSymlink, "config.json is no longer a symlink")
	assert.Equal(t, "regcred", readCredHelpers(t, target)["a.example.com"], "the link's target was not written")
}

// TestKilledWriterNeverBreaksTheFile is the crash test (finding 10): a
// configure-docker killed at any moment leaves config.json whole (the old
// file or the new one), and whatever temporary file it left is swept by a
// later run once it is stale.
func TestKilledWriterNeverBreaksTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"auths":{"keep.example.com":{"auth":"a2VlcDptZQ=="}},"x":"`+strings.Repeat("y", 1<<20)+`"}`), 0o600))
	env := append(cleanEnv(t), "REGCRED_CONFIG="+writerConfig(t))
	temps := func() []string {
		m, _ := filepath.Glob(filepath.Join(dir, ".config.json.regcred-*"))
		return m
	}
	// Each run is killed the moment its temporary file appears (or at a
	// random point when it never shows one to the poll): between write and
	// rename, where a crash leaves a temporary file behind.
	left := 0
	for i := 1; i <= 100 && left < 3; i++ {
		cmd := exec.Command(testBinary(t), "configure-docker", "--dir", dir, "--host", fmt.Sprintf("k%d.example.com", i))
		cmd.Env = env
		before := len(temps())
		require.NoError(t, cmd.Start())
		exited := make(chan struct{})
		go func() { _ = cmd.Wait(); close(exited) }()
		deadline := time.Now().Add(time.Duration(rand.IntN(200)+50) * time.Millisecond)
	poll:
		for len(temps()) == before && time.Now().Before(deadline) {
			select {
			case <-exited:
				break poll
			default:
			}
		}
		_ = cmd.Process.Kill()
		<-exited
		var doc map[string]json.RawMessage
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(data, &doc), "after kill %d the file is not whole (%d bytes)", i, len(data))
		require.NotNil(t, doc["auths"], "after kill %d the file is not whole (%d bytes)", i, len(data))
		left = len(temps())
	}
	require.NotEqual(t, 0, left, "no kill landed between temporary file and rename; the sweep went untested")
	stale := temps()
	old := time.Now().Add(-time.Hour)
	for _, p := range stale {
		require.NoError(t, os.Chtimes(p, old, old))
	}
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + writerConfig(t)}}, "configure-docker", "--dir", dir, "--host", "last.example.com")
	require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	outlived, _ := filepath.Glob(filepath.Join(dir, ".config.json.regcred-*"))
	assert.Empty(t, outlived, "stale temporary files (%d left by killed runs) outlived the next run", len(stale))
}

func readCredHelpers(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc struct{ CredHelpers map[string]string }
	require.NoError(t, json.Unmarshal(data, &doc), "%s", path)
	return doc.CredHelpers
}

// TestSetupKubeletKeepsTheNodesOtherProviders is finding 3's second half:
// `setup kubelet --write` puts its provider into the kubelet's file and
// keeps the providers already there, backing the file up.
func TestSetupKubeletKeepsTheNodesOtherProviders(t *testing.T) {
	file := filepath.Join(t.TempDir(), "credential-provider.yaml")
	const existing = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    matchImages: ["*.dkr.ecr.*.amazonaws.com"]
    defaultCacheDuration: "12h"
  - name: docker-credential-regcred
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    matchImages: ["stale.example.com"]
    defaultCacheDuration: "5m"
`
	require.NoError(t, os.WriteFile(file, []byte(existing), 0o644))
	env := []string{"REGCRED_CONFIG=" + writerConfig(t)}
	res := runBinary(t, testBinary(t), runOpts{Env: env}, "setup", "kubelet", "--write", "--file", file)
	require.Equal(t, 0, res.Exit, "exit %d\n%s\n%s", res.Exit, res.Stdout, res.Stderr)
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	for _, want := range []string{"ecr-credential-provider", "*.dkr.ecr.*.amazonaws.com", "reg.example.com"} {
		assert.Contains(t, string(got), want, "the written file lacks %q:\n%s", want, got)
	}
	assert.NotContains(t, string(got), "stale.example.com", "regcred's old provider was kept beside the new one:\n%s", got)
	backups, _ := filepath.Glob(file + ".*.bak")
	require.Len(t, backups, 1, "backups %v, want 1", backups)
	data, _ := os.ReadFile(backups[0])
	assert.Equal(t, existing, string(data), "the backup does not hold the original file")
	res = runBinary(t, testBinary(t), runOpts{Env: env}, "setup", "kubelet", "--write", "--file", file)
	assert.Equal(t, 0, res.Exit, "second run: exit %d\n%s", res.Exit, res.Stdout)
	assert.Contains(t, res.Stdout, "already configured", "second run: exit %d", res.Exit)
}
