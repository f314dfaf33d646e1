package ecr

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // the field the error must name; "" for valid
	}{
		{name: "empty is valid", cfg: Config{}},
		{name: "everything", cfg: Config{Profile: "prod", Region: "eu-west-1", RoleARN: "arn:aws:iam::123456789012:role/path/puller",
			RoleSessionName: "ci@build-7", ExternalID: "ext-id:1", FIPS: true, DualStack: true, Endpoint: "https://vpce-1.api.ecr.eu-west-1.vpce.amazonaws.com"}},
		{name: "gov and china role ARNs", cfg: Config{RoleARN: "arn:aws-us-gov:iam::123456789012:role/r"}},
		{name: "loopback http endpoint", cfg: Config{Endpoint: "http://127.0.0.1:8080"}},
		{name: "localhost http endpoint", cfg: Config{Endpoint: "http://localhost:8080"}},
		{name: "ipv6 loopback endpoint", cfg: Config{Endpoint: "http://[::1]:8080"}},
		{name: "profile with space", cfg: Config{Profile: "my prod"}, wantErr: "profile"},
		{name: "profile with newline", cfg: Config{Profile: "prod\n"}, wantErr: "profile"},
		{name: "region upper case", cfg: Config{Region: "US-EAST-1"}, wantErr: "region"},
		{name: "region without number", cfg: Config{Region: "us-east"}, wantErr: "region"},
		{name: "region with dot", cfg: Config{Region: "us-east-1.evil"}, wantErr: "region"},
		{name: "user ARN", cfg: Config{RoleARN: "arn:aws:iam::123456789012:user/bob"}, wantErr: "roleArn"},
		{name: "short account in ARN", cfg: Config{RoleARN: "arn:aws:iam::1234:role/r"}, wantErr: "roleArn"},
		{name: "session name too short", cfg: Config{RoleARN: "arn:aws:iam::123456789012:role/r", RoleSessionName: "a"}, wantErr: "roleSessionName"},
		{name: "session name with space", cfg: Config{RoleARN: "arn:aws:iam::123456789012:role/r", RoleSessionName: "a b"}, wantErr: "roleSessionName"},
		{name: "external id too long", cfg: Config{RoleARN: "arn:aws:iam::123456789012:role/r", ExternalID: strings.Repeat("x", 1225)}, wantErr: "externalId"},
		{name: "session name without role", cfg: Config{RoleSessionName: "ci"}, wantErr: "roleSessionName"},
		{name: "external id without role", cfg: Config{ExternalID: "abc"}, wantErr: "externalId"},
		{name: "role from annotation", cfg: Config{RoleARNAnnotation: "eks.amazonaws.com/role-arn", RoleSessionName: "node-1"}},
		{name: "annotation with space", cfg: Config{RoleARNAnnotation: "eks.amazonaws.com/ role"}, wantErr: "roleArnAnnotation"},
		{name: "annotation and roleArn", cfg: Config{RoleARNAnnotation: "a/b", RoleARN: "arn:aws:iam::123456789012:role/r"}, wantErr: "roleArn/roleArnAnnotation"},
		{name: "external id with annotation only", cfg: Config{RoleARNAnnotation: "a/b", ExternalID: "abc"}, wantErr: "externalId"},
		{name: "endpoint not a URL", cfg: Config{Endpoint: "://x"}, wantErr: "endpoint"},
		{name: "endpoint without host", cfg: Config{Endpoint: "https://"}, wantErr: "endpoint"},
		{name: "endpoint ftp", cfg: Config{Endpoint: "ftp://example.com"}, wantErr: "endpoint"},
		{name: "endpoint plain http to remote host", cfg: Config{Endpoint: "http://ecr.example.com"}, wantErr: "endpoint"},
		{name: "endpoint with user info", cfg: Config{Endpoint: "https://user:pw@example.com"}, wantErr: "endpoint"},
		{name: "endpoint with query", cfg: Config{Endpoint: "https://example.com/?a=b"}, wantErr: "endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantErr == "" {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, "ecr: "+tt.wantErr+":")
		})
	}
}

func TestValidateKeepsSecretsOut(t *testing.T) {
	err := Config{Endpoint: "https://user:hunter2@example.com", RoleARN: "arn:aws:iam::123456789012:role/r", ExternalID: "x"}.Validate()
	require.Error(t, err)
	testkit.AssertNoSecret(t, "Validate error", err.Error(), "hunter2")
}

func TestEnvKeys(t *testing.T) {
	keys := Config{}.EnvKeys()
	for _, want := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_ECR"} {
		assert.Contains(t, keys, want)
	}
	for _, secret := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_CONTAINER_AUTHORIZATION_TOKEN"} {
		assert.NotContains(t, keys, secret, "a variable holding a secret, not an identity")
	}
	var _ providers.AmbientEnv = Config{}
}

func TestIsRoleARN(t *testing.T) {
	tests := []struct {
		name, arn string
		want      bool
	}{
		{name: "commercial", arn: "arn:aws:iam::123456789012:role/puller", want: true},
		{name: "path", arn: "arn:aws:iam::123456789012:role/team/ci/puller", want: true},
		{name: "china", arn: "arn:aws-cn:iam::123456789012:role/r", want: true},
		{name: "user", arn: "arn:aws:iam::123456789012:user/bob"},
		{name: "short account", arn: "arn:aws:iam::1234:role/r"},
		{name: "suffix after name", arn: "arn:aws:iam::123456789012:role/r x"},
		{name: "empty", arn: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, IsRoleARN(tt.arn))
		})
	}
}

// TestIdentityFiles: the shared files whose content selects the identity;
// never the web-identity token file, which rotates for the same role.
func TestIdentityFiles(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{name: "defaults", env: map[string]string{"HOME": "/home/ci"}, want: []string{"/home/ci/.aws/credentials", "/home/ci/.aws/config"}},
		{name: "named by the variables", env: map[string]string{"HOME": "/home/ci", "AWS_SHARED_CREDENTIALS_FILE": "/c", "AWS_CONFIG_FILE": "/f"}, want: []string{"/c", "/f"}},
		{name: "web identity", env: map[string]string{"HOME": "/home/ci", "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/r"},
			want: []string{"/home/ci/.aws/credentials", "/home/ci/.aws/config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := testkit.Env(tt.env).Lookup
			var c providers.IdentityFiles = Config{Profile: "prod"}
			assert.Equal(t, tt.want, c.IdentityFiles(lookup))
		})
	}
}
