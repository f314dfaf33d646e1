package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// Identities count by what they say, not where they live (issue 13,
// finding 4): an AWS credentials or config file rewritten in place for
// another access key must not get the previous key's cached ECR token,
// from the front or from the engine; a web-identity token file rotated for
// the same role must stay a cache hit.

// ecrFileCacheConfig writes a config whose one entry uses the fake ECR,
// with the file cache in a fresh directory, and returns its path.
func ecrFileCacheConfig(t *testing.T, cloud *ecrtest.Cloud) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "cache")
	return writeConfig(t, `defaults: false
cache: {store: file, dir: "`+dir+`"}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
}

// identityECRSetup is a fake ECR, a config whose one entry uses it with the
// file cache, and a pinned environment whose HOME (returned) the test
// controls. No AWS variable names an identity: the files do.
func identityECRSetup(t *testing.T, extra ...string) (*ecrtest.Cloud, []string, string) {
	t.Helper()
	cloud := ecrtest.New(t)
	cfg := ecrFileCacheConfig(t, cloud)
	home := t.TempDir()
	env := pinnedEnv(t, append([]string{"HOME=" + home, "REGCRED_CONFIG=" + cfg, "REGCRED_CACHE="}, extra...)...)
	return cloud, env, home
}

// grantOf is who the fake ECR issued the answered token to.
func grantOf(t *testing.T, cloud *ecrtest.Cloud, res runResult) ecrtest.Grant {
	t.Helper()
	require.Equal(t, 0, res.Exit, "get: exit %d\nstdout: %s\nstderr: %s\nfake rejected: %v", res.Exit, res.Stdout, res.Stderr, cloud.Rejections())
	var ans dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &ans), "answer is not JSON: %q", res.Stdout)
	g, ok := cloud.Lookup(ans.Secret)
	require.True(t, ok, "the password is not one the fake ECR issued")
	return g
}

func TestIdentityFileRewrittenForAnotherKeyIsAMiss(t *testing.T) {
	tests := []struct {
		name string
		// path is the file's place under home; env names it (or a profile).
		path    string
		env     func(path string) []string
		section string
	}{
		{"AWS_SHARED_CREDENTIALS_FILE", "creds/shared", func(p string) []string { return []string{"AWS_SHARED_CREDENTIALS_FILE=" + p} }, "[default]"},
		{"~/.aws/credentials", ".aws/credentials", func(string) []string { return nil }, "[default]"},
		{"AWS_CONFIG_FILE with AWS_PROFILE", "conf/aws", func(p string) []string { return []string{"AWS_CONFIG_FILE=" + p, "AWS_PROFILE=ci"} }, "[profile ci]"},
		{"~/.aws/config", ".aws/config", func(string) []string { return nil }, "[default]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cloud, env, home := identityECRSetup(t)
			path := filepath.Join(home, tt.path)
			env = append(env, tt.env(path)...)
			alice, bob := cloud.NewUser("alice"), cloud.NewUser("bob")
			keysFile := func(k ecrtest.Keys) string {
				return tt.section + "\naws_access_key_id = " + k.AccessKeyID + "\naws_secret_access_key = " + k.SecretAccessKey + "\n"
			}
			in := newInstall(t)

			testkit.WriteFile(t, path, keysFile(alice))
			g := grantOf(t, cloud, runBinary(t, in.front, runOpts{Env: env, Stdin: ecrHost}, "get"))
			require.Equal(t, alice.ARN, g.Principal, "first get: token issued to %s, want %s", g.Principal, alice.ARN)
			g = grantOf(t, cloud, in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get"))
			require.Equal(t, alice.ARN, g.Principal, "the front alone, warm: token issued to %s, want %s", g.Principal, alice.ARN)

			testkit.WriteFile(t, path, keysFile(bob))
			in.checkHandedOff(t, in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get"))
			g = grantOf(t, cloud, runBinary(t, in.engine, runOpts{Env: env, Stdin: ecrHost}, "get"))
			assert.Equal(t, bob.ARN, g.Principal, "the engine, after the file named bob's key: token issued to %s, want %s (the first identity's cached token)", g.Principal, bob.ARN)
			g = grantOf(t, cloud, in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get"))
			assert.Equal(t, bob.ARN, g.Principal, "the front alone, after the engine's answer for bob: token issued to %s, want %s", g.Principal, bob.ARN)
			n := cloud.Calls(ecrtest.ECR)
			assert.Equal(t, 2, n, "GetAuthorizationToken calls = %d, want 2 (one per identity)", n)
		})
	}
}

// TestWebIdentityTokenRotationIsAHit: IRSA and EKS rewrite the projected
// token hourly for the same role; the key follows the role, not the token.
func TestWebIdentityTokenRotationIsAHit(t *testing.T) {
	tokenFile := filepath.Join(t.TempDir(), "token")
	cloud := ecrtest.New(t)
	first, rotated, other := "web-identity-token-1", "web-identity-token-2", "web-identity-token-3"
	puller := cloud.NewRole("puller", ecrtest.Trust{WebIdentityTokens: []string{first, rotated}})
	builder := cloud.NewRole("builder", ecrtest.Trust{WebIdentityTokens: []string{other}})
	cfg := ecrFileCacheConfig(t, cloud)
	base := pinnedEnv(t, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=", "AWS_ENDPOINT_URL_STS="+cloud.STSURL(), "AWS_WEB_IDENTITY_TOKEN_FILE="+tokenFile)
	env := append(base, "AWS_ROLE_ARN="+puller)
	in := newInstall(t)

	testkit.WriteFile(t, tokenFile, first)
	cold := runBinary(t, in.front, runOpts{Env: env, Stdin: ecrHost}, "get")
	g := grantOf(t, cloud, cold)
	require.Contains(t, g.Principal, ":assumed-role/puller/", "cold get: token issued to %s, want the puller role", g.Principal)
	testkit.WriteFile(t, tokenFile, rotated)
	lone := in.alone(t, runOpts{Env: env, Stdin: ecrHost}, "get")
	assert.Equal(t, 0, lone.Exit, "the front alone, token rotated: exit %d %q (stderr %q), want the cached answer", lone.Exit, lone.Stdout, lone.Stderr)
	assert.Equal(t, cold.Stdout, lone.Stdout, "the front alone, token rotated: exit %d %q (stderr %q), want the cached answer", lone.Exit, lone.Stdout, lone.Stderr)
	back := runBinary(t, in.engine, runOpts{Env: env, Stdin: ecrHost}, "get")
	assert.Equal(t, 0, back.Exit, "the engine, token rotated: exit %d %q, want the cached answer", back.Exit, back.Stdout)
	assert.Equal(t, cold.Stdout, back.Stdout, "the engine, token rotated: exit %d %q, want the cached answer", back.Exit, back.Stdout)
	n := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 1, n, "GetAuthorizationToken calls after the rotation = %d, want 1 (a hit)", n)

	testkit.WriteFile(t, tokenFile, other)
	env = append(base, "AWS_ROLE_ARN="+builder)
	g = grantOf(t, cloud, runBinary(t, in.front, runOpts{Env: env, Stdin: ecrHost}, "get"))
	assert.Contains(t, g.Principal, ":assumed-role/builder/", "another role: token issued to %s, want the builder role", g.Principal)
}
