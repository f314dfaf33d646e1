package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// ecrCacheSetup is an ECR entry against the fake, with the file cache on.
func ecrCacheSetup(t *testing.T) (*ecrtest.Cloud, ecrtest.Keys, []string) {
	cloud, keys, env, _ := ecrCacheSetupDir(t)
	return cloud, keys, env
}

func ecrCacheSetupDir(t *testing.T) (*ecrtest.Cloud, ecrtest.Keys, []string, string) {
	t.Helper()
	cloud := ecrtest.New(t)
	keys, env := awsUserEnv(cloud)
	dir := filepath.Join(t.TempDir(), "cache")
	cfg := writeConfig(t, `cache: {store: file, dir: `+dir+`}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
	return cloud, keys, append(env, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE="), dir
}

func TestCacheWarmGetMakesNoBackendCall(t *testing.T) {
	cloud, keys, env := ecrCacheSetup(t)
	bin := testBinary(t)
	first := runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, first, ecrHost, keys.ARN, "us-west-2", keys)
	second := runBinary(t, bin, runOpts{Env: append(env, "REGCRED_LOG=debug"), Stdin: ecrHost}, "get")
	if second.Stdout != first.Stdout {
		t.Errorf("warm get answered differently:\n%s\n%s", first.Stdout, second.Stdout)
	}
	if n := cloud.Calls(ecrtest.ECR); n != 1 {
		t.Errorf("GetAuthorizationToken calls after a warm get = %d, want 1", n)
	}
	if !strings.Contains(second.Stderr, "outcome=hit") {
		t.Errorf("debug log does not show a cache hit:\n%s", second.Stderr)
	}
	var ans dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(first.Stdout), &ans))
	list := runBinary(t, bin, runOpts{Env: env}, "cache", "list")
	if list.Exit != 0 || !strings.Contains(list.Stdout, ecrHost) || !strings.Contains(list.Stdout, "file") {
		t.Errorf("cache list: exit %d\n%s%s", list.Exit, list.Stdout, list.Stderr)
	}
	if strings.Contains(list.Stdout, ans.Secret) || strings.Contains(second.Stderr, ans.Secret) {
		t.Error("cache list or the debug log shows the token")
	}
	if res := runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "erase"); res.Exit != 0 {
		t.Fatalf("erase: %d %s", res.Exit, res.Stdout)
	}
	runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get")
	if n := cloud.Calls(ecrtest.ECR); n != 2 {
		t.Errorf("after erase, get made %d calls in all, want 2 (erase evicts the cached token)", n)
	}
	clear := runBinary(t, bin, runOpts{Env: env}, "cache", "clear")
	if clear.Exit != 0 || !strings.Contains(clear.Stdout, "cleared 1 cached credential") {
		t.Errorf("cache clear: %d %q", clear.Exit, clear.Stdout)
	}
}

// TestCacheConcurrentColdGets: a node starting many pods, or a compose file,
// asks for one token from many processes at once; ECR must see one call.
func TestCacheConcurrentColdGets(t *testing.T) {
	cloud, keys, env := ecrCacheSetup(t)
	bin := testBinary(t)
	const n = 32
	results := make([]runResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { results[i] = runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get") })
	}
	wg.Wait()
	for i, res := range results {
		checkECRAnswer(t, cloud, res, ecrHost, keys.ARN, "us-west-2", keys)
		if res.Stdout != results[0].Stdout {
			t.Errorf("process %d answered a different token", i)
		}
	}
	if got := cloud.Calls(ecrtest.ECR); got != 1 {
		t.Errorf("%d concurrent cold gets made %d GetAuthorizationToken calls, want 1", n, got)
	}
}

// TestCacheFilesHoldNoSecretInNames: the cache's file names and index are
// hashes and metadata; the token is only inside the 0600 token file.
func TestCacheFilesHoldNoSecretInNames(t *testing.T) {
	cloud, keys, env, dir := ecrCacheSetupDir(t)
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, res, ecrHost, keys.ARN, "us-west-2", keys)
	var ans dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &ans))
	found := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(p, ans.Secret) || strings.Contains(p, keys.SecretAccessKey) {
			t.Errorf("a cache path holds a secret: %s", p)
		}
		if !d.IsDir() {
			found++
			info, _ := d.Info()
			if info.Mode().Perm()&0o077 != 0 {
				t.Errorf("%s has mode %v, want no group/other access", p, info.Mode())
			}
		}
		return nil
	})
	if err != nil || found == 0 {
		t.Fatalf("walking the cache dir %s: %v (%d files)", dir, err, found)
	}
}
