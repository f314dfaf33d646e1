package main

import (
	"encoding/json"
	"strings"
	"testing"

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
	if res.Exit != 0 {
		t.Fatalf("get %s: exit %d\nstdout: %s\nstderr: %s\nfake rejected: %v", server, res.Exit, res.Stdout, res.Stderr, cloud.Rejections())
	}
	var got dockerAnswer
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatalf("get %s: answer is not JSON: %q", server, res.Stdout)
	}
	if got.Username != "AWS" || got.ServerURL != server {
		t.Errorf("get %s = user %q server %q, want AWS and %s", server, got.Username, got.ServerURL, server)
	}
	g, ok := cloud.Lookup(got.Secret)
	if !ok {
		t.Fatalf("get %s: the password is not one the fake ECR issued", server)
	}
	if g.Principal != principal || g.Region != region {
		t.Errorf("get %s: token issued to %s in %s, want %s in %s", server, g.Principal, g.Region, principal, region)
	}
	for _, out := range []string{res.Stdout, res.Stderr} {
		if strings.Contains(out, keys.SecretAccessKey) {
			t.Errorf("get %s printed the AWS secret access key", server)
		}
	}
	if strings.Contains(res.Stderr, got.Secret) {
		t.Errorf("get %s logged the registry password", server)
	}
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
	if n := cloud.Calls(ecrtest.ECR); n != 1 {
		t.Errorf("GetAuthorizationToken calls = %d, want 1", n)
	}
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
		if res.Exit == 0 {
			t.Errorf("get %s answered a credential: %s", request, res.Stdout)
		}
		if strings.Contains(res.Stdout+res.Stderr, keys.SecretAccessKey) {
			t.Errorf("get %s printed the AWS secret access key", request)
		}
	}
	if n := cloud.Calls(ecrtest.ECR) + cloud.Calls(ecrtest.ECRPublic); n != 0 {
		t.Errorf("look-alike and unrelated hosts caused %d GetAuthorizationToken calls, want 0", n)
	}
}

func TestECRWithoutIdentitySaysWhatToDo(t *testing.T) {
	cloud := ecrtest.New(t)
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"AWS_ENDPOINT_URL_ECR=" + cloud.ECRURL()}, Stdin: ecrHost}, "get")
	if res.Exit != 1 {
		t.Fatalf("get without AWS identity: exit %d, stdout %q", res.Exit, res.Stdout)
	}
	for _, want := range []string{ecrHost, "no AWS credentials found"} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("get without AWS identity: answer %q does not say %q", res.Stdout, want)
		}
	}
	if n := cloud.Calls(ecrtest.ECR); n != 0 {
		t.Errorf("ECR was called %d times without an identity", n)
	}
}
