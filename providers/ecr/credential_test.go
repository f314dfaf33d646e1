package ecr

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// checkIssued checks that cred is a token the cloud issued to principal
// for region, and that its expiry is the cloud's.
func checkIssued(t *testing.T, cloud *ecrtest.Cloud, cred providers.Credential, principal, region string, public bool) {
	t.Helper()
	assert.Equal(t, "AWS", cred.Username)
	g, ok := cloud.Lookup(cred.Secret.Reveal())
	require.True(t, ok, "the password is not one the fake ECR issued (rejections: %v)", cloud.Rejections())
	assert.Equal(t, principal, g.Principal, "token issued to")
	assert.Equal(t, region, g.Region, "token issued in")
	assert.Equal(t, public, g.Public, "token for ECR Public")
	assert.True(t, cred.ExpiresAt.Equal(g.ExpiresAt), "ExpiresAt = %s, want the answer's expiresAt %s", cred.ExpiresAt, g.ExpiresAt)
}

func TestCredentialFromEnvironmentKeys(t *testing.T) {
	tests := []struct {
		name, host, region string
		public             bool
		op                 ecrtest.Op
	}{
		{name: "private", host: testHost, region: "us-west-2", op: ecrtest.ECR},
		{name: "private china", host: "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", region: "cn-north-1", op: ecrtest.ECR},
		{name: "public", host: publicHost, region: "us-east-1", public: true, op: ecrtest.ECRPublic},
		{name: "public dual-stack", host: "ecr-public.aws.com", region: "us-east-1", public: true, op: ecrtest.ECRPublic},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			cloud := ecrtest.New(t)
			keys := userEnv(t, cloud)
			p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL()})

			cred := mustGet(t, p, cloud, tt.host)
			checkIssued(t, cloud, cred, keys.ARN, tt.region, tt.public)
			assert.Equal(t, 1, cloud.Calls(tt.op), "%s calls", tt.op)
			testkit.AssertNoSecret(t, "logs", logs.String(), keys.SecretAccessKey, cred.Secret.Reveal())
		})
	}
}

func TestCredentialFromEndpointEnvVar(t *testing.T) {
	// With no `endpoint` setting (as for the built-in entries), the SDK's
	// own AWS_ENDPOINT_URL_ECR / _ECR_PUBLIC select the API endpoint.
	isolate(t)
	cloud := ecrtest.New(t)
	userEnv(t, cloud)
	t.Setenv("AWS_ENDPOINT_URL_ECR", cloud.ECRURL())
	t.Setenv("AWS_ENDPOINT_URL_ECR_PUBLIC", cloud.ECRURL())
	p, _ := newProvider(t, Config{})
	for _, host := range []string{testHost, publicHost} {
		cred, err := get(p, host)
		require.NoError(t, err, "Credential(%s)", host)
		_, ok := cloud.Lookup(cred.Secret.Reveal())
		assert.True(t, ok, "%s: the password is not one the fake issued", host)
	}
}

func TestCredentialFromProfileFiles(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		awsProfile string
	}{
		{name: "profile setting", cfg: Config{Profile: "prod"}},
		{name: "AWS_PROFILE", awsProfile: "prod"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			cloud := ecrtest.New(t)
			other, prod := cloud.NewUser("someone-else"), cloud.NewUser("prod-puller")
			testkit.WriteFile(t, filepath.Join(home, ".aws", "credentials"),
				"[default]\naws_access_key_id = "+other.AccessKeyID+"\naws_secret_access_key = "+other.SecretAccessKey+"\n\n"+
					"[prod]\naws_access_key_id = "+prod.AccessKeyID+"\naws_secret_access_key = "+prod.SecretAccessKey+"\n")
			testkit.WriteFile(t, filepath.Join(home, ".aws", "config"), "[profile prod]\nregion = eu-west-1\n")
			if tt.awsProfile != "" {
				t.Setenv("AWS_PROFILE", tt.awsProfile)
			}
			cfg := tt.cfg
			cfg.Endpoint = cloud.ECRURL()
			p, _ := newProvider(t, cfg)

			cred := mustGet(t, p, cloud, testHost)
			// The registry's region wins over the profile's for the ECR call.
			checkIssued(t, cloud, cred, prod.ARN, "us-west-2", false)
		})
	}
}

func TestCredentialFromWebIdentity(t *testing.T) {
	home := isolate(t)
	cloud := ecrtest.New(t)
	const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDpwdWxsZXIifQ.c2ln"
	role := cloud.NewRole("irsa-puller", ecrtest.Trust{WebIdentityTokens: []string{jwt}})
	tokenFile := filepath.Join(home, "token")
	testkit.WriteFile(t, tokenFile, jwt)
	t.Setenv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile)
	t.Setenv("AWS_ROLE_ARN", role)
	t.Setenv("AWS_ROLE_SESSION_NAME", "node-7")
	t.Setenv("AWS_ENDPOINT_URL_STS", cloud.STSURL())
	p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL()})

	cred := mustGet(t, p, cloud, testHost)
	checkIssued(t, cloud, cred, "arn:aws:sts::123456789012:assumed-role/irsa-puller/node-7", "us-west-2", false)
	assert.Equal(t, 1, cloud.Calls(ecrtest.AssumeRoleWithWebIdentity), "AssumeRoleWithWebIdentity calls")
	// A second request reuses the session's credentials.
	mustGet(t, p, cloud, testHost)
	assert.Equal(t, 1, cloud.Calls(ecrtest.AssumeRoleWithWebIdentity), "after a second request, AssumeRoleWithWebIdentity calls")
	testkit.AssertNoSecret(t, "logs", logs.String(), jwt, cred.Secret.Reveal())
}

func TestCredentialFromContainerEndpoint(t *testing.T) {
	// EKS Pod Identity: the agent's endpoint and token come from env vars.
	home := isolate(t)
	cloud := ecrtest.New(t)
	role := cloud.NewRole("pod-puller", ecrtest.Trust{})
	url, token := cloud.PodIdentity(role)
	tests := []struct {
		name  string
		setup func(t *testing.T)
	}{
		{"token in env", func(t *testing.T) { t.Setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", token) }},
		{"token file", func(t *testing.T) {
			f := filepath.Join(home, "eks-pod-identity-token")
			testkit.WriteFile(t, f, token)
			t.Setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", f)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url)
			tt.setup(t)
			p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL()})
			cred := mustGet(t, p, cloud, testHost)
			checkIssued(t, cloud, cred, "arn:aws:sts::123456789012:assumed-role/pod-puller/eks-pod-identity", "us-west-2", false)
			testkit.AssertNoSecret(t, "logs", logs.String(), token, cred.Secret.Reveal())
		})
	}
}

func TestCredentialAssumesRoleARN(t *testing.T) {
	isolate(t)
	cloud := ecrtest.New(t)
	user := cloud.NewUser("ci")
	role := cloud.NewRole("cross-account-puller", ecrtest.Trust{Principals: []string{user.ARN}, ExternalID: "ext-42"})
	t.Setenv("AWS_ACCESS_KEY_ID", user.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", user.SecretAccessKey)
	t.Setenv("AWS_ENDPOINT_URL_STS", cloud.STSURL())
	// The base identity itself may not pull: only the role can.
	cloud.Deny(user.ARN, "ecr:GetAuthorizationToken")
	p, _ := newProvider(t, Config{Endpoint: cloud.ECRURL(), RoleARN: role, RoleSessionName: "ci-pull", ExternalID: "ext-42"})

	cred := mustGet(t, p, cloud, testHost)
	checkIssued(t, cloud, cred, "arn:aws:sts::123456789012:assumed-role/cross-account-puller/ci-pull", "us-west-2", false)
	assert.Equal(t, 1, cloud.Calls(ecrtest.AssumeRole), "AssumeRole calls")
}

func TestRegionOverride(t *testing.T) {
	// A region override that fits the host is used for the call.
	isolate(t)
	cloud := ecrtest.New(t)
	keys := userEnv(t, cloud)
	p, _ := newProvider(t, Config{Endpoint: cloud.ECRURL(), Region: "us-west-2"})
	cred, err := get(p, testHost)
	require.NoError(t, err)
	checkIssued(t, cloud, cred, keys.ARN, "us-west-2", false)
}

func TestNewLoadsNothing(t *testing.T) {
	// New must not read AWS config or credentials: with a profile that
	// does not exist and a cloud that counts calls, New succeeds and
	// nothing is called; only Credential finds the problem.
	isolate(t)
	cloud := ecrtest.New(t)
	p, _ := newProvider(t, Config{Profile: "does-not-exist", Endpoint: cloud.ECRURL()})
	require.NotNil(t, p.sessions)
	require.Empty(t, p.sessions, "New loaded AWS sessions")
	require.Zero(t, cloud.Calls(ecrtest.ECR), "New made ECR calls")
	_, err := get(p, testHost)
	require.Error(t, err, "Credential with a missing profile succeeded")
}
