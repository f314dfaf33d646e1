package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

const ecrHost = "123456789012.dkr.ecr.us-west-2.amazonaws.com"

// dockerAnswer is the credential-helper protocol's get answer.
type dockerAnswer struct {
	ServerURL, Username, Secret string
}

// awsUserEnv is an AWS identity in the environment, as a CI job has one.
func awsUserEnv(cloud *ecrtest.Cloud) (ecrtest.Keys, []string) {
	keys := cloud.NewUser("ci")
	return keys, []string{"AWS_ACCESS_KEY_ID=" + keys.AccessKeyID, "AWS_SECRET_ACCESS_KEY=" + keys.SecretAccessKey}
}

// checkECRAnswer checks that a get answered a token the fake issued to
// principal for region, and that no AWS secret reached the output.
// The protocol echoes the request as ServerURL.
func checkECRAnswer(t *testing.T, cloud *ecrtest.Cloud, res runResult, server, principal, region string, keys ecrtest.Keys) {
	t.Helper()
	require.Equal(t, 0, res.Exit, "get %s: exit %d\nstdout: %s\nstderr: %s\nfake rejected: %v", server, res.Exit, res.Stdout, res.Stderr, cloud.Rejections())
	var got dockerAnswer
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got), "get %s: answer is not JSON: %q", server, res.Stdout)
	assert.Equal(t, "AWS", got.Username, "get %s = user %q server %q, want AWS and %s", server, got.Username, got.ServerURL, server)
	assert.Equal(t, server, got.ServerURL, "get %s = user %q server %q, want AWS and %s", server, got.Username, got.ServerURL, server)
	g, ok := cloud.Lookup(got.Secret)
	require.True(t, ok, "get %s: the password is not one the fake ECR issued", server)
	assert.Equal(t, principal, g.Principal, "get %s: token issued to %s in %s, want %s in %s", server, g.Principal, g.Region, principal, region)
	assert.Equal(t, region, g.Region, "get %s: token issued to %s in %s, want %s in %s", server, g.Principal, g.Region, principal, region)
	for _, out := range []string{res.Stdout, res.Stderr} {
		assert.NotContains(t, out, keys.SecretAccessKey, "get %s printed the AWS secret access key", server)
	}
	assert.NotContains(t, res.Stderr, got.Secret, "get %s logged the registry password", server)
}

func TestECRGetWithConfigEntry(t *testing.T) {
	cloud := ecrtest.New(t)
	keys, env := awsUserEnv(cloud)
	cfg := writeConfig(t, `registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
	res := runBinary(t, testBinary(t), runOpts{Env: append(env, "REGCRED_CONFIG="+cfg), Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, res, ecrHost, keys.ARN, "us-west-2", keys)
	n := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 1, n, "GetAuthorizationToken calls = %d, want 1", n)
}

func TestECRGetWithBuiltinDefaults(t *testing.T) {
	// No config file at all: the built-in entries serve ECR private and
	// public with the ambient identity; AWS_ENDPOINT_URL_ECR[_PUBLIC] (read
	// by the AWS SDK itself) points the API calls at the fake.
	cloud := ecrtest.New(t)
	keys, env := awsUserEnv(cloud)
	env = append(env, "AWS_ENDPOINT_URL_ECR="+cloud.ECRURL(), "AWS_ENDPOINT_URL_ECR_PUBLIC="+cloud.ECRURL())
	tests := []struct{ name, request, region string }{
		{"private", ecrHost, "us-west-2"},
		{"private image reference", "123456789012.dkr.ecr.eu-central-1.amazonaws.com/team/app:1.2", "eu-central-1"},
		{"public", "public.ecr.aws", "us-east-1"},
		{"public dual-stack", "ecr-public.aws.com", "us-east-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: tt.request}, "get")
			checkECRAnswer(t, cloud, res, tt.request, keys.ARN, tt.region, keys)
		})
	}
}

func TestECRBuiltinDefaultsSendNoTokenToLookAlikes(t *testing.T) {
	cloud := ecrtest.New(t)
	keys, env := awsUserEnv(cloud)
	env = append(env, "AWS_ENDPOINT_URL_ECR="+cloud.ECRURL(), "AWS_ENDPOINT_URL_ECR_PUBLIC="+cloud.ECRURL())
	for _, request := range []string{
		"evil.dkr.ecr.us-east-1.amazonaws.com",                      // matches the built-in glob, not ECR
		"123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example", // matches nothing
		"docker.io",
	} {
		res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: request}, "get")
		assert.NotEqual(t, 0, res.Exit, "get %s answered a credential: %s", request, res.Stdout)
		assert.NotContains(t, res.Stdout+res.Stderr, keys.SecretAccessKey, "get %s printed the AWS secret access key", request)
	}
	n := cloud.Calls(ecrtest.ECR) + cloud.Calls(ecrtest.ECRPublic)
	assert.Equal(t, 0, n, "look-alike and unrelated hosts caused %d GetAuthorizationToken calls, want 0", n)
}

func TestECRWithoutIdentitySaysWhatToDo(t *testing.T) {
	cloud := ecrtest.New(t)
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"AWS_ENDPOINT_URL_ECR=" + cloud.ECRURL()}, Stdin: ecrHost}, "get")
	require.Equal(t, 1, res.Exit, "get without AWS identity: exit %d, stdout %q", res.Exit, res.Stdout)
	for _, want := range []string{ecrHost, "no AWS credentials found"} {
		assert.Contains(t, res.Stdout, want, "get without AWS identity: answer %q does not say %q", res.Stdout, want)
	}
	n := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, 0, n, "ECR was called %d times without an identity", n)
}

// TestECRThroughACABundle: behind a TLS-inspecting proxy (an ECR endpoint
// whose certificate no system trusts), AWS_CA_BUNDLE is what regcred
// trusts, as the AWS CLI does; without it the get fails. Such a route
// records no recipe: the lean fetcher trusts the system's roots only, so
// renewals stay the engine's.
func TestECRThroughACABundle(t *testing.T) {
	cloud := ecrtest.New(t, ecrtest.WithTLS())
	keys, env := awsUserEnv(cloud)
	bundle := filepath.Join(t.TempDir(), "proxy-ca.pem")
	require.NoError(t, os.WriteFile(bundle, cloud.CACertPEM(), 0o600))
	cfg := writeConfig(t, `cache: {store: file}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
	env = pinnedEnv(t, append(env, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=")...)
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: ecrHost}, "get")
	assert.Equal(t, 1, res.Exit, "without the bundle: exit %d, stdout %q", res.Exit, res.Stdout)
	assert.Contains(t, res.Stdout, "certificate", "without the bundle: the error does not name the TLS failure")

	env = append(env, "AWS_CA_BUNDLE="+bundle)
	res = runBinary(t, testBinary(t), runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, res, ecrHost, keys.ARN, "us-west-2", keys)
	rt := onlyRouteFile(t, env)
	assert.Empty(t, routeField(t, rt, "fetchKind"), "a recipe for a call through a CA bundle")
}
