package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// Integrity of cached answers, attacked as the same user (copying and
// renaming cache files) and as another local user (the layouts a race
// on a shared directory leaves behind). Issue: a cached answer reaches
// only the request it was made for.

// ecrHostB is a second ECR registry: another region, so another token.
const ecrHostB = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"

// warmPair is two ECR requests with warm routes and token files under one
// cache root (the default one, in XDG_CACHE_HOME).
type warmPair struct {
	in               install
	env              []string
	root             string
	routeA, routeB   string
	tokenA, tokenB   string
	secretA, secretB string
}

func newWarmPair(t *testing.T) warmPair {
	t.Helper()
	cloud := ecrtest.New(t)
	_, aws := awsUserEnv(cloud)
	cfg := writeConfig(t, `defaults: false
cache: {store: file}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
	p := warmPair{in: newInstall(t), env: pinnedEnv(t, append(aws, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=")...)}
	p.root = filepath.Join(envValue(t, p.env, "XDG_CACHE_HOME"), "regcred")
	p.secretA, p.routeA, p.tokenA = p.warm(t, ecrHost, nil, nil)
	p.secretB, p.routeB, p.tokenB = p.warm(t, ecrHostB, []string{p.routeA}, []string{p.tokenA})
	require.NotEqual(t, p.secretB, p.secretA, "the fake issued one token for both registries; the test needs two")
	return p
}

// warm runs a cold get for host and returns its secret and the route and
// token file it added to those already there.
func (p warmPair) warm(t *testing.T, host string, routes, tokens []string) (secret, route, token string) {
	t.Helper()
	res := runBinary(t, p.in.front, runOpts{Env: p.env, Stdin: host}, "get")
	require.Equal(t, 0, res.Exit, "cold get %s: exit %d %s %s", host, res.Exit, res.Stdout, res.Stderr)
	var ans dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &ans))
	return ans.Secret, newFile(t, filepath.Join(p.root, "routes"), routes), newFile(t, filepath.Join(p.root, "tokens"), tokens)
}

// newFile is the one file in dir that is not in known.
func newFile(t *testing.T, dir string, known []string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var fresh []string
	for _, e := range entries {
		if p := filepath.Join(dir, e.Name()); !slices.Contains(known, p) {
			fresh = append(fresh, p)
		}
	}
	require.Len(t, fresh, 1, "%s: new files %v, want exactly one", dir, fresh)
	return fresh[0]
}

func envValue(t *testing.T, env []string, key string) string {
	t.Helper()
	v := ""
	for _, kv := range env { // the last one counts, as for exec
		if s, ok := strings.CutPrefix(kv, key+"="); ok {
			v = s
		}
	}
	require.NotEqual(t, "", v, "the environment sets no %s", key)
	return v
}

// TestCopiedRouteAnswersNothing is finding 1 as reported: the route of an
// ECR request copied to the route name of another registry's request. The
// front, alone, must not answer the other registry with the ECR token.
func TestCopiedRouteAnswersNothing(t *testing.T) {
	p := newWarmPair(t)
	const evil = "evil.example.com"
	res := runBinary(t, p.in.front, runOpts{Env: p.env, Stdin: evil}, "get")
	require.Equal(t, frontNotFound, res.Stdout, "get %s = %q, want not found", evil, res.Stdout)
	evilRoute := newFile(t, filepath.Join(p.root, "routes"), []string{p.routeA, p.routeB})
	testkit.CopyFile(t, p.routeA, evilRoute, 0o600)
	res = p.in.alone(t, runOpts{Env: p.env, Stdin: evil}, "get")
	require.NotContains(t, res.Stdout, p.secretA, "get %s printed %s's token", evil, ecrHost)
	p.in.checkHandedOff(t, res)
	res = runBinary(t, p.in.front, runOpts{Env: p.env, Stdin: evil}, "get")
	assert.Equal(t, frontNotFound, res.Stdout, "with the engine: get %s, want not found", evil)
}

// TestCopiedTokenRecordAnswersNothing: B's route intact, A's token record
// copied over B's. The record names A's key and registry, so neither the
// front nor the engine serves it for B.
func TestCopiedTokenRecordAnswersNothing(t *testing.T) {
	p := newWarmPair(t)
	testkit.CopyFile(t, p.tokenA, p.tokenB, 0o600)
	res := p.in.alone(t, runOpts{Env: p.env, Stdin: ecrHostB}, "get")
	require.NotContains(t, res.Stdout, p.secretA, "the front served %s's token for %s", ecrHost, ecrHostB)
	p.in.checkHandedOff(t, res)
	res = runBinary(t, p.in.front, runOpts{Env: append(p.env, "REGCRED_LOG=debug"), Stdin: ecrHostB}, "get")
	require.Equal(t, 0, res.Exit, "the engine: exit %d, served A's token: %v", res.Exit, strings.Contains(res.Stdout, p.secretA))
	require.NotContains(t, res.Stdout, p.secretA, "the engine: exit %d, served A's token: %v", res.Exit, strings.Contains(res.Stdout, p.secretA))
	assert.Contains(t, res.Stderr, "another", "the engine's debug log does not say the record was made for another request")
}

// TestTamperingNeverCrossesRequests is the property: whatever the same
// user does to the two requests' files (copy, rename, swap, truncate,
// alone or together), a get for one never prints the other's secret.
func TestTamperingNeverCrossesRequests(t *testing.T) {
	p := newWarmPair(t)
	pristine := snapshotDir(t, p.root)
	files := map[string]string{"routeA": p.routeA, "routeB": p.routeB, "tokenA": p.tokenA, "tokenB": p.tokenB}
	for _, op := range tamperings(files) {
		t.Run(op.name, func(t *testing.T) {
			restoreDir(t, p.root, pristine)
			op.do(t)
			for _, c := range []struct{ host, foreign string }{{ecrHostB, p.secretA}, {ecrHost, p.secretB}} {
				res := runBinary(t, p.in.front, runOpts{Env: p.env, Stdin: c.host}, "get")
				assert.NotContains(t, res.Stdout+res.Stderr, c.foreign, "get %s printed the other registry's token (exit %d)", c.host, res.Exit)
				assert.Equal(t, 0, res.Exit, "get %s failed after the tampering: %s %s", c.host, res.Stdout, res.Stderr)
			}
		})
	}
}

type tampering struct {
	name string
	do   func(t *testing.T)
}

// tamperings is every copy, rename and swap between two of files, every
// truncation, and the route and token copied together.
func tamperings(files map[string]string) []tampering {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var ops []tampering
	for _, x := range names {
		from := files[x]
		ops = append(ops, tampering{"truncate " + x, func(t *testing.T) { require.NoError(t, os.Truncate(from, 0)) }})
		for _, y := range names {
			if x == y {
				continue
			}
			to := files[y]
			ops = append(ops,
				tampering{fmt.Sprintf("copy %s to %s", x, y), func(t *testing.T) { testkit.CopyFile(t, from, to, 0o600) }},
				tampering{fmt.Sprintf("rename %s to %s", x, y), func(t *testing.T) { require.NoError(t, os.Rename(from, to)) }},
			)
			if x < y {
				ops = append(ops, tampering{fmt.Sprintf("swap %s and %s", x, y), func(t *testing.T) { swapFiles(t, from, to) }})
			}
		}
	}
	return append(ops, tampering{"copy routeA and tokenA over B's", func(t *testing.T) {
		testkit.CopyFile(t, files["routeA"], files["routeB"], 0o600)
		testkit.CopyFile(t, files["tokenA"], files["tokenB"], 0o600)
	}})
}

func swapFiles(t *testing.T, a, b string) {
	t.Helper()
	tmp := a + ".swap"
	require.NoError(t, os.Rename(a, tmp))
	require.NoError(t, os.Rename(b, a))
	require.NoError(t, os.Rename(tmp, b))
}

// snapshotDir is the regular files below dir, by relative path.
func snapshotDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		out[strings.TrimPrefix(p, dir)] = data
		return err
	}))
	return out
}

// restoreDir makes dir's regular files exactly those of snap.
func restoreDir(t *testing.T, dir string, snap map[string][]byte) {
	t.Helper()
	for rel := range snapshotDir(t, dir) {
		require.NoError(t, os.Remove(dir+rel))
	}
	for rel, data := range snap {
		require.NoError(t, os.WriteFile(dir+rel, data, 0o600))
	}
}
