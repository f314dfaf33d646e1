package ecr

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// instanceProfileCase is an instance with IMDS as EC2 has it, for the
// SDK's default chain to find (or not) its instance profile.
type instanceProfileCase struct {
	name string
	// role: the instance has an instance profile.
	role bool
	// deny: the role may not call ecr:GetAuthorizationToken.
	deny bool
	// imds shapes the instance's metadata service.
	imds ecrtest.IMDSOptions
	// sessions is how many IMDSv2 sessions must have been opened.
	sessions int
	want     error
	absent   bool
	says     []string
}

var instanceProfileCases = []instanceProfileCase{
	{name: "instance profile", role: true, sessions: 1},
	{name: "role refused by ECR", role: true, deny: true, sessions: 1, want: providers.ErrDenied, says: []string{"ecr:GetAuthorizationToken", "assumed-role/node/"}},
	{name: "instance without an instance profile", sessions: 1, want: providers.ErrNoIdentity, absent: true,
		says: []string{"EC2 instance metadata (IMDS): no IAM role here", "associate-iam-instance-profile"}},
	{name: "container past the hop limit, IMDSv2 required", role: true, imds: ecrtest.IMDSOptions{HopLimitExceeded: true},
		want: providers.ErrNoIdentity, absent: true, says: []string{"requires IMDSv2", "--http-put-response-hop-limit 2"}},
	{name: "instance profile's role does not trust EC2", role: true, imds: ecrtest.IMDSOptions{Unassumable: true}, sessions: 1, want: providers.ErrDenied,
		says: []string{"AssumeRoleUnauthorizedAccess", "EC2 cannot assume the role node", "ec2.amazonaws.com"}},
	{name: "metadata service throttling", role: true, imds: ecrtest.IMDSOptions{Throttled: true}, sessions: 1, want: providers.ErrUnavailable,
		says: []string{"answered HTTP 429", "try again later"}},
	{name: "container past the hop limit, IMDSv1 allowed", role: true, imds: ecrtest.IMDSOptions{HopLimitExceeded: true, AllowIMDSv1: true}},
}

// TestECRInstanceProfileThroughIMDS: the SDK's own IMDS client, without
// AWS_EC2_METADATA_SERVICE_ENDPOINT, at 169.254.169.254:80 itself (in a
// network namespace of the test's own): an IMDSv2 session (PUT
// /latest/api/token with its TTL header), the instance profile's role name
// and keys read with the session token (GETs without one get 401), then
// ECR's GetAuthorizationToken signed with those keys, which ecrtest
// verifies.
func TestECRInstanceProfileThroughIMDS(t *testing.T) {
	for _, tt := range instanceProfileCases {
		t.Run(tt.name, func(t *testing.T) {
			if !testkit.PrivateNetwork(t, "169.254.169.254") {
				return
			}
			// isolate leaves AWS_EC2_METADATA_SERVICE_ENDPOINT unset.
			testInstanceProfile(t, tt, func(imds *ecrtest.IMDS) { testkit.ServeHTTPAt(t, ecrtest.IMDSAddr, imds) })
		})
	}
}

// TestECRInstanceProfileAtTheEndpointVariable: the same, with the fake on
// 127.0.0.1 named by AWS_EC2_METADATA_SERVICE_ENDPOINT, so that it runs
// without root too.
func TestECRInstanceProfileAtTheEndpointVariable(t *testing.T) {
	for _, tt := range instanceProfileCases {
		t.Run(tt.name, func(t *testing.T) {
			testInstanceProfile(t, tt, func(imds *ecrtest.IMDS) {
				t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL())
			})
		})
	}
}

// testInstanceProfile runs one case, with serve putting the IMDS fake
// where the SDK will look.
func testInstanceProfile(t *testing.T, tt instanceProfileCase, serve func(*ecrtest.IMDS)) {
	isolate(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "false")
	cloud := ecrtest.New(t)
	opts := tt.imds
	if tt.role {
		opts.RoleARN = cloud.NewRole("node", ecrtest.Trust{})
		if tt.deny {
			cloud.Deny(opts.RoleARN, "ecr:GetAuthorizationToken")
		}
	}
	imds := cloud.NewIMDS(opts)
	serve(imds)
	p, logs := newProvider(t, Config{Endpoint: cloud.ECRURL()})

	cred, err := get(p, testHost)
	assert.Equal(t, tt.sessions, cloud.Calls(ecrtest.IMDSToken), "IMDSv2 sessions opened")
	var secrets []string
	for _, k := range imds.Issued() {
		secrets = append(secrets, k.SecretAccessKey, k.SessionToken)
	}
	if tt.want != nil {
		checkErr(t, err, tt.want, testHost, logs, tt.says, secrets...)
		assert.Equal(t, tt.absent, errors.Is(err, providers.ErrAbsent), "remembered as no identity here")
		return
	}
	require.NoError(t, err, "fake rejected: %v", cloud.Rejections())
	keys := imds.Issued()
	require.Len(t, keys, 1, "the instance profile's keys, read once")
	pass := cred.Secret.Reveal()
	g, ok := cloud.Lookup(pass)
	require.True(t, ok, "the password is not one ECR issued")
	assert.Equal(t, keys[0].ARN, g.Principal, "ECR's token is the instance role's")
	assert.Positive(t, cloud.SignedWith(keys[0].AccessKeyID), "ECR signed with the instance profile's keys")
	testkit.AssertNoSecret(t, "logs", logs.String(), append(secrets, pass)...)
}
