package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
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
	assert.Equal(t, first.Stdout, second.Stdout, "warm get answered differently:\n%s\n%s", first.Stdout, second.Stdout)
	n := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 1, n, "GetAuthorizationToken calls after a warm get = %d, want 1", n)
	assert.Contains(t, second.Stderr, "outcome=hit", "debug log does not show a cache hit")
	var ans dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(first.Stdout), &ans))
	list := runBinary(t, bin, runOpts{Env: env}, "cache", "list")
	assert.Equal(t, 0, list.Exit, "cache list: exit %d\n%s%s", list.Exit, list.Stdout, list.Stderr)
	assert.Contains(t, list.Stdout, ecrHost, "cache list: exit %d\n%s%s", list.Exit, list.Stdout, list.Stderr)
	assert.Contains(t, list.Stdout, "file", "cache list: exit %d\n%s%s", list.Exit, list.Stdout, list.Stderr)
	assert.NotContains(t, list.Stdout, ans.Secret, "cache list or the debug log shows the token")
	assert.NotContains(t, second.Stderr, ans.Secret, "cache list or the debug log shows the token")
	res := runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "erase")
	require.Equal(t, 0, res.Exit, "erase: %d %s", res.Exit, res.Stdout)
	runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get")
	n = cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 2, n, "after erase, get made %d calls in all, want 2 (erase evicts the cached token)", n)
	clear := runBinary(t, bin, runOpts{Env: env}, "cache", "clear")
	assert.Equal(t, 0, clear.Exit, "cache clear: %d %q", clear.Exit, clear.Stdout)
	assert.Contains(t, clear.Stdout, "cleared 1 cached credential", "cache clear: %d", clear.Exit)
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
		assert.Equal(t, results[0].Stdout, res.Stdout, "process %d answered a different token", i)
	}
	got := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 1, got, "%d concurrent cold gets made %d GetAuthorizationToken calls, want 1", n, got)
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
		assert.NotContains(t, p, ans.Secret, "a cache path holds a secret")
		assert.NotContains(t, p, keys.SecretAccessKey, "a cache path holds a secret")
		if !d.IsDir() {
			found++
			info, _ := d.Info()
			assert.EqualValues(t, 0, info.Mode().Perm()&0o077, "%s has mode %v, want no group/other access", p, info.Mode())
		}
		return nil
	})
	require.NoError(t, err, "walking the cache dir %s", dir)
	require.NotEqual(t, 0, found, "no file in the cache dir %s", dir)
}
