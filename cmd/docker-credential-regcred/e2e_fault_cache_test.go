package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// ecrOtherRegion is a second ECR registry of the same account: another
// cache key, so a cold lookup next to a warm one.
const ecrOtherRegion = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"

// faultCache is an ECR entry against cloud with the file cache in dir;
// endpoint "" is the cloud's own, else a proxy in front of it.
type faultCache struct {
	cloud *ecrtest.Cloud
	keys  ecrtest.Keys
	env   []string
	dir   string
}

func newFaultCache(t *testing.T, dir string, cloud *ecrtest.Cloud, endpoint string) *faultCache {
	t.Helper()
	if cloud == nil {
		cloud = ecrtest.New(t)
	}
	if endpoint == "" {
		endpoint = cloud.ECRURL()
	}
	keys, env := awsUserEnv(cloud)
	cfg := writeConfig(t, "defaults: false\ncache: {store: file, dir: "+yamlQuote(dir)+"}\nregistries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    name: ecr-fault\n    ecr: {endpoint: \""+endpoint+"\"}\n")
	return &faultCache{cloud: cloud, keys: keys, env: append(env, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug"), dir: dir}
}

// get runs `get host` and checks the answer is a token the fake issued.
func (c *faultCache) get(t *testing.T, host, region string) (runResult, dockerAnswer) {
	t.Helper()
	res := runBinary(t, testBinary(t), runOpts{Env: c.env, Stdin: host, Timeout: faultGuard}, "get")
	checkECRAnswer(t, c.cloud, res, host, c.keys.ARN, region, c.keys)
	return res, decodeOneAnswer(t, res.Stdout)
}

func (c *faultCache) wantCalls(t *testing.T, want int, when string) {
	t.Helper()
	got := c.cloud.Calls(ecrtest.ECR)
	assert.Equal(t, want, got, "%s: %d GetAuthorizationToken calls in all, want %d", when, got, want)
}

// tokenFile is the one token file in the cache; it fails on none or more.
func (c *faultCache) tokenFile(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(c.dir, "tokens", "*.json"))
	require.NoError(t, err, "token files in %s", c.dir)
	require.Len(t, files, 1, "token files in %s: %v, want one", c.dir, files)
	return files[0]
}

// noStrayFiles: the tokens dir holds only *.json records, no temporary
// file a failed or killed write left with a token in it.
func (c *faultCache) noStrayFiles(t *testing.T) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(c.dir, "tokens"))
	if err != nil {
		require.ErrorIs(t, err, os.ErrNotExist)
	}
	for _, e := range ents {
		assert.True(t, strings.HasSuffix(e.Name(), ".json"), "stray file in the cache: %s", e.Name())
		assert.False(t, strings.HasPrefix(e.Name(), "."), "stray file in the cache: %s", e.Name())
	}
}

// TestFaultCacheFileDamaged: a token file that is corrupt, cut short, owned
// by someone else or opened to others is ignored with a warning naming it,
// the token is fetched again and the file replaced by a good one.
func TestFaultCacheFileDamaged(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
		root   bool
	}{
		{name: "corrupt", damage: func(t *testing.T, p string) {
			require.NoError(t, os.WriteFile(p, []byte("\x00\xffnot a record{{"), 0o600))
		}},
		{name: "truncated", damage: func(t *testing.T, p string) {
			fi, err := os.Stat(p)
			require.NoError(t, err)
			require.NoError(t, os.Truncate(p, fi.Size()/2))
		}},
		{name: "empty", damage: func(t *testing.T, p string) { require.NoError(t, os.Truncate(p, 0)) }},
		{name: "foreign-owned", root: true, damage: func(t *testing.T, p string) { require.NoError(t, os.Chown(p, 65534, 65534)) }},
		{name: "open to others", damage: func(t *testing.T, p string) { require.NoError(t, os.Chmod(p, 0o644)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.root && os.Getuid() != 0 {
				t.Skip("chown to another user needs root")
			}
			c := newFaultCache(t, filepath.Join(t.TempDir(), "cache"), nil, "")
			_, first := c.get(t, ecrHost, "us-west-2")
			path := c.tokenFile(t)
			tt.damage(t, path)
			res, second := c.get(t, ecrHost, "us-west-2")
			c.wantCalls(t, 2, "after the damage")
			assert.NotEqual(t, first.Secret, second.Secret, "the damaged file's token was served")
			assert.Contains(t, res.Stderr, "ignoring cache file", "no warning naming %s", path)
			assert.Contains(t, res.Stderr, path, "no warning naming %s", path)
			_, third := c.get(t, ecrHost, "us-west-2")
			c.wantCalls(t, 2, "after the replacement")
			assert.Equal(t, second.Secret, third.Secret, "the replaced file does not serve the new token")
			fi, err := os.Stat(c.tokenFile(t))
			require.NoError(t, err)
			assert.Equal(t, os.Getuid(), fileUID(fi), "the replacement is not ours")
			assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the replacement's mode")
			c.noStrayFiles(t)
		})
	}
}

// mountTmpfs mounts a tmpfs of size at dir, or skips: it needs root and
// CAP_SYS_ADMIN. It is unmounted when the test ends.
func mountTmpfs(t *testing.T, dir, size string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(dir, 0o700))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN): %v %s", err, out)
	}
	t.Cleanup(func() {
		out, err := exec.Command("umount", dir).CombinedOutput()
		assert.NoError(t, err, "unmounting %s: %s", dir, out)
	})
}

// TestFaultCacheReadOnly: a cache on a file system gone read-only serves
// what it holds; a cold lookup fetches, warns that it cannot cache, and
// answers.
func TestFaultCacheReadOnly(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cache")
	mountTmpfs(t, dir, "1m")
	c := newFaultCache(t, dir, nil, "")
	_, warm := c.get(t, ecrHost, "us-west-2")
	out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput()
	require.NoError(t, err, "remounting read-only: %s", out)
	_, again := c.get(t, ecrHost, "us-west-2")
	c.wantCalls(t, 1, "warm get on a read-only cache")
	assert.Equal(t, warm.Secret, again.Secret, "the read-only cache did not serve its token")
	for i := range 2 {
		res, _ := c.get(t, ecrOtherRegion, "eu-west-1")
		assert.Contains(t, res.Stderr, "could not cache the credential", "cold get %d on a read-only cache: no warning that it cannot cache", i)
		assert.Contains(t, res.Stderr, "read-only file system", "cold get %d on a read-only cache: no warning that it cannot cache", i)
	}
	c.wantCalls(t, 3, "two cold gets on a read-only cache")
}

// TestFaultCacheDiskFull: a full disk costs the cache, not the answer, and
// leaves no partial file behind; once there is room again, caching resumes.
func TestFaultCacheDiskFull(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "cache")
	mountTmpfs(t, dir, "64k")
	c := newFaultCache(t, dir, nil, "")
	c.get(t, ecrHost, "us-west-2")
	require.NoError(t, os.Remove(c.tokenFile(t)))
	filler := filepath.Join(dir, "filler")
	fillDisk(t, filler)
	res, _ := c.get(t, ecrHost, "us-west-2")
	assert.Contains(t, res.Stderr, "could not cache the credential", "no warning that the disk is full")
	assert.Contains(t, res.Stderr, "no space left on device", "no warning that the disk is full")
	c.noStrayFiles(t)
	files, _ := filepath.Glob(filepath.Join(dir, "tokens", "*"))
	assert.Empty(t, files, "a full disk left files behind: %v", files)
	require.NoError(t, os.Remove(filler))
	c.get(t, ecrHost, "us-west-2")
	c.get(t, ecrHost, "us-west-2")
	c.wantCalls(t, 3, "full disk, then room again")
}

// fillDisk writes path until the file system is full.
func fillDisk(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	defer f.Close()
	block := make([]byte, 4096)
	for range 1 << 16 {
		_, err = f.Write(block)
		if errors.Is(err, syscall.ENOSPC) {
			return
		}
		require.NoError(t, err)
	}
	require.Fail(t, "the tmpfs never filled up")
}

// TestFaultKeyringUnavailable: store keyring with a session bus that is
// dead, or one without a Secret Service: a warning, the file cache takes
// over, and the token is still cached (the second get makes no call).
func TestFaultKeyringUnavailable(t *testing.T) {
	tests := []struct {
		name string
		bus  func(t *testing.T) string
	}{
		{name: "dead bus socket", bus: func(t *testing.T) string {
			return "unix:path=" + filepath.Join(t.TempDir(), "no-bus-here")
		}},
		{name: "bus without a Secret Service", bus: bareSessionBus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "cache")
			c := newFaultCache(t, dir, nil, "")
			cfg := writeConfig(t, "defaults: false\ncache: {store: keyring, dir: "+yamlQuote(dir)+"}\nregistries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {endpoint: \""+c.cloud.ECRURL()+"\"}\n")
			c.env = append(c.env, "REGCRED_CONFIG="+cfg, "DBUS_SESSION_BUS_ADDRESS="+tt.bus(t))
			res, first := c.get(t, ecrHost, "us-west-2")
			assert.Contains(t, res.Stderr, "keyring failed; using the file cache", "no warning that the keyring failed")
			_, second := c.get(t, ecrHost, "us-west-2")
			c.wantCalls(t, 1, "two gets with a failing keyring")
			assert.Equal(t, first.Secret, second.Secret, "the file cache behind the keyring did not serve the token")
			c.tokenFile(t)
		})
	}
}

// bareSessionBus starts a private dbus-daemon that activates no services,
// so nothing answers org.freedesktop.secrets; it is stopped when the test
// ends.
func bareSessionBus(t *testing.T) string {
	t.Helper()
	daemon, err := exec.LookPath("dbus-daemon")
	if err != nil {
		t.Skip("dbus-daemon is not installed (Debian package dbus)")
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := filepath.Join(dir, "session.conf")
	require.NoError(t, os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=`+sock+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`), 0o600))
	cmd := exec.Command(daemon, "--config-file="+conf, "--nofork", "--nopidfile")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if fi, err := os.Stat(sock); err == nil && fi.Mode().Type() == os.ModeSocket {
			return "unix:path=" + sock
		}
	}
	require.Fail(t, "dbus-daemon did not create its socket")
	return ""
}

// rewriteRecord edits the cached record's times, as a clock that jumped
// would see them.
func rewriteRecord(t *testing.T, path string, storedAt, expiresAt time.Time) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var rec map[string]any
	require.NoError(t, json.Unmarshal(data, &rec))
	_, ok := rec["expiresAt"]
	require.True(t, ok, "the cache record has no expiresAt field; its format changed")
	rec["storedAt"], rec["expiresAt"] = storedAt.Format(time.RFC3339Nano), expiresAt.Format(time.RFC3339Nano)
	data, err = json.Marshal(rec)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))
}

// TestFaultClockJump: the clock jumped past a cached token's expiry, or
// into its refresh window, with the backend up or failing.
func TestFaultClockJump(t *testing.T) {
	tests := []struct {
		name      string
		stored    time.Duration // relative to now
		expires   time.Duration
		ecrFails  bool
		wantExit  int
		wantStale bool
		wantLog   string
	}{
		{name: "past expiry, backend up", stored: -13 * time.Hour, expires: -time.Hour},
		{name: "past expiry, backend failing", stored: -13 * time.Hour, expires: -time.Hour, ecrFails: true, wantExit: 1},
		{name: "in the refresh window, backend failing", stored: -12 * time.Hour, expires: 2 * time.Minute, ecrFails: true,
			wantStale: true, wantLog: "refreshing the credential failed; serving the cached one until it expires"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newFaultCache(t, filepath.Join(t.TempDir(), "cache"), nil, "")
			_, first := c.get(t, ecrHost, "us-west-2")
			now := time.Now()
			rewriteRecord(t, c.tokenFile(t), now.Add(tt.stored), now.Add(tt.expires))
			if tt.ecrFails {
				c.cloud.FailNext(ecrtest.ECR, ecrtest.ServerError, 100)
			}
			res := runBinary(t, testBinary(t), runOpts{Env: c.env, Stdin: ecrHost, Timeout: faultGuard}, "get")
			require.Equal(t, tt.wantExit, res.Exit, "exit %d, want %d\nstdout %s\nstderr %s", res.Exit, tt.wantExit, res.Stdout, res.Stderr)
			assert.Equal(t, tt.wantStale, strings.Contains(res.Stdout, first.Secret), "the cached token served: %v, want %v\nstdout %s", !tt.wantStale, tt.wantStale, res.Stdout)
			assert.NotContains(t, res.Stderr, first.Secret, "the cached token reached stderr")
			if tt.wantLog != "" {
				assert.Contains(t, res.Stderr, tt.wantLog, "no warning %q", tt.wantLog)
			}
			if tt.wantExit == 1 {
				assert.Contains(t, res.Stdout, "ecr-fault (ecr, ", "the error does not name the entry")
			}
			if tt.wantExit == 0 && !tt.wantStale {
				checkECRAnswer(t, c.cloud, res, ecrHost, c.keys.ARN, "us-west-2", c.keys)
			}
		})
	}
}
