package ecr

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/netdeps"
)

const (
	testHost   = "123456789012.dkr.ecr.us-west-2.amazonaws.com"
	publicHost = "public.ecr.aws"
)

// awsVars are the variables the SDK reads that could carry a developer's
// or CI's AWS setup into a test.
func awsVars() []string {
	return []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY",
		"AWS_SECRET_KEY", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
		"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_SDK_LOAD_CONFIG",
		"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR",
		"AWS_ENDPOINT_URL_ECR_PUBLIC", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_CA_BUNDLE", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	}
}

// isolate gives the test an AWS environment of its own: nothing from the
// machine's, config files in a temp dir, and instance metadata (IMDS) off
// so nothing leaves the machine. It returns the temp HOME.
func isolate(t *testing.T) string {
	t.Helper()
	for _, k := range awsVars() {
		t.Setenv(k, "") // records the old value for cleanup
		os.Unsetenv(k)  // the SDK tells unset from empty
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, ".aws", "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, ".aws", "credentials"))
	return home
}

// newProvider builds a provider with debug logs captured and retries
// that do not wait.
func newProvider(t *testing.T, cfg Config) (*Provider, *syncbuf.Buffer) {
	t.Helper()
	return newProviderWith(t, cfg, &http.Client{Timeout: 30 * time.Second})
}

func newProviderWith(t *testing.T, cfg Config, hc *http.Client) (*Provider, *syncbuf.Buffer) {
	t.Helper()
	logger, logs := testkit.DebugLogger()
	p, err := New(cfg, netdeps.Deps{
		HTTPClient: hc,
		Deps: providers.Deps{
			Now:       time.Now,
			LookupEnv: os.LookupEnv,
			Logger:    logger,
		},
	})
	require.NoError(t, err, "New(%+v)", cfg)
	p.maxBackoff = time.Millisecond
	return p, logs
}

func get(p *Provider, host string) (providers.Credential, error) {
	return p.Credential(context.Background(), providers.Request{Registry: host, Pattern: "*.dkr.ecr.*.amazonaws.com"})
}

// userEnv creates a user and puts its keys in the environment.
func userEnv(t *testing.T, cloud *ecrtest.Cloud) ecrtest.Keys {
	t.Helper()
	keys := cloud.NewUser("ci")
	t.Setenv("AWS_ACCESS_KEY_ID", keys.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", keys.SecretAccessKey)
	return keys
}

// mustGet is get that stops the test on error, showing what the fake
// refused.
func mustGet(t *testing.T, p *Provider, cloud *ecrtest.Cloud, host string) providers.Credential {
	t.Helper()
	cred, err := get(p, host)
	require.NoError(t, err, "Credential(%s); fake rejected: %v", host, cloud.Rejections())
	return cred
}

// ssoCacheName is where the AWS CLI and SDKs cache an SSO token: the
// SHA-1 of the session name (or, for legacy profiles, the start URL).
func ssoCacheName(key string) string {
	sum := sha1.Sum([]byte(key))
	return hex.EncodeToString(sum[:]) + ".json"
}
