package ecr

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

const roleAnnotation = "eks.amazonaws.com/role-arn"

// Opaque to the fake, which trusts the tokens it is given per role.
const (
	builderJWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6YnVpbGRlciJ9.YnVpbGRlcg"
	testerJWT  = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6Y2k6dGVzdGVyIn0.dGVzdGVy"
)

func podRequest(token, roleARN string) providers.Request {
	ann := map[string]string{"other": "x"}
	if roleARN != "" {
		ann[roleAnnotation] = roleARN
	}
	return providers.Request{Registry: testHost, Pattern: "*.dkr.ecr.*.amazonaws.com",
		ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(token), Annotations: ann}}
}

// podCloud has a node user that may not pull and two roles, each trusting
// one service account's token.
func podCloud(t *testing.T) (cloud *ecrtest.Cloud, builderRole, testerRole string) {
	isolate(t)
	cloud = ecrtest.New(t)
	node := cloud.NewUser("node")
	cloud.Deny(node.ARN, "ecr:GetAuthorizationToken")
	t.Setenv("AWS_ACCESS_KEY_ID", node.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", node.SecretAccessKey)
	t.Setenv("AWS_ENDPOINT_URL_STS", cloud.STSURL())
	builderRole = cloud.NewRole("builder-puller", ecrtest.Trust{WebIdentityTokens: []string{builderJWT}})
	testerRole = cloud.NewRole("tester-puller", ecrtest.Trust{WebIdentityTokens: []string{testerJWT}})
	return cloud, builderRole, testerRole
}

// TestPodRoles: each service account pulls as the role its annotation
// names, and one pod's credentials never serve another.
func TestPodRoles(t *testing.T) {
	cloud, builderRole, testerRole := podCloud(t)
	p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL(), RoleARNAnnotation: roleAnnotation, RoleSessionName: "kubelet"})
	steps := []struct {
		name, token, role, wantPrincipal string
	}{
		{name: "builder", token: builderJWT, role: builderRole, wantPrincipal: "arn:aws:sts::123456789012:assumed-role/builder-puller/kubelet"},
		{name: "tester", token: testerJWT, role: testerRole, wantPrincipal: "arn:aws:sts::123456789012:assumed-role/tester-puller/kubelet"},
		{name: "builder again", token: builderJWT, role: builderRole, wantPrincipal: "arn:aws:sts::123456789012:assumed-role/builder-puller/kubelet"},
	}
	for i, s := range steps {
		cred, err := p.Credential(context.Background(), podRequest(s.token, s.role))
		require.NoError(t, err, "%s; fake rejected: %v", s.name, cloud.Rejections())
		checkIssued(t, cloud, cred, s.wantPrincipal, "us-west-2", false)
		// Pod credentials are not kept in the Provider: every call assumes anew.
		assert.Equal(t, i+1, cloud.Calls(ecrtest.AssumeRoleWithWebIdentity), "%s: AssumeRoleWithWebIdentity calls", s.name)
	}
	// The tester's token cannot borrow the builder's role.
	_, err := p.Credential(context.Background(), podRequest(testerJWT, builderRole))
	testkit.WantErr(t, err, providers.ErrDenied, "InvalidIdentityToken")
	testkit.AssertNoSecret(t, "error", err.Error(), builderJWT, testerJWT)
	testkit.AssertNoSecret(t, "logs", logs.String(), builderJWT, testerJWT)
}

func TestPodRoleMissing(t *testing.T) {
	cloud, _, _ := podCloud(t)
	p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL(), RoleARNAnnotation: roleAnnotation})
	tests := []struct {
		name    string
		req     providers.Request
		want    error
		wantMsg string
	}{
		{name: "no service account", req: providers.Request{Registry: testHost}, want: providers.ErrNoIdentity, wantMsg: "no service-account token"},
		{name: "no annotation", req: podRequest(builderJWT, ""), want: providers.ErrNoIdentity, wantMsg: `no annotation "eks.amazonaws.com/role-arn"`},
		{name: "annotation not an ARN", req: podRequest(builderJWT, "builder"), want: providers.ErrInvalid, wantMsg: "not an IAM role ARN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p.Credential(context.Background(), tt.req)
			testkit.WantErr(t, err, tt.want, tt.wantMsg, roleAnnotation)
			testkit.AssertNoSecret(t, "error", err.Error(), builderJWT)
		})
	}
	assert.Zero(t, cloud.Calls(ecrtest.ECR)+cloud.Calls(ecrtest.AssumeRoleWithWebIdentity), "calls to AWS")
	testkit.AssertNoSecret(t, "logs", logs.String(), builderJWT)
}

// TestAmbientUnaffected: without roleArnAnnotation a request's service
// account is ignored and the node's identity pulls.
func TestAmbientUnaffected(t *testing.T) {
	cloud, builderRole, _ := podCloud(t)
	p, _ := newProvider(t, Config{Endpoint: cloud.ECRURL()})
	_, err := p.Credential(context.Background(), podRequest(builderJWT, builderRole))
	require.ErrorIs(t, err, providers.ErrDenied, "want the node identity's denial")
	assert.Zero(t, cloud.Calls(ecrtest.AssumeRoleWithWebIdentity), "AssumeRoleWithWebIdentity calls")
}
