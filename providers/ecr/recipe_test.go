package ecr

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrlean"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestRecipeRepeatsTheSDKsCall: the recipe of an environment-keys fetch
// names where the SDK sent the request, and the lean fetcher following it
// gets a token for the same principal and region as the SDK did.
func TestRecipeRepeatsTheSDKsCall(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(cloud *ecrtest.Cloud) Config
		env  func(t *testing.T, cloud *ecrtest.Cloud)
	}{
		{name: "the entry's endpoint", cfg: func(c *ecrtest.Cloud) Config { return Config{Endpoint: c.ECRURL()} }},
		{name: "AWS_ENDPOINT_URL_ECR", cfg: func(*ecrtest.Cloud) Config { return Config{} },
			env: func(t *testing.T, c *ecrtest.Cloud) { t.Setenv("AWS_ENDPOINT_URL_ECR", c.ECRURL()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			isolate(t)
			cloud := ecrtest.New(t)
			keys := userEnv(t, cloud)
			if tt.env != nil {
				tt.env(t, cloud)
			}
			p, _ := newProvider(t, tt.cfg(cloud))
			cred := mustGet(t, p, cloud, testHost)
			want := providers.Recipe{Kind: providers.RecipeECR, URL: cloud.ECRURL() + "/", Region: "us-west-2",
				Proxy: "https://" + testHost}
			require.Equal(t, want, cred.Recipe)

			lean := ecrlean.Fetcher{HTTPClient: &http.Client{Timeout: 10 * time.Second}, LookupEnv: os.LookupEnv, Now: time.Now}
			again, err := lean.Credential(context.Background(), cred.Recipe)
			require.NoError(t, err, "fake rejected: %v", cloud.Rejections())
			checkIssued(t, cloud, again, keys.ARN, "us-west-2", false)
		})
	}
}

// TestNoRecipeWhereMoreTookPart: only a private registry's token signed
// with the environment's keys, as the SDK found them first, is repeatable
// without the SDK; the entry's profile (even with keys in the environment), a
// role or ECR Public is the engine's alone. (Keys in the environment win
// over AWS_PROFILE in the SDK's chain, so that case has a recipe.)
func TestNoRecipeWhereMoreTookPart(t *testing.T) {
	tests := []struct {
		name  string
		host  string
		setup func(t *testing.T, home string, cloud *ecrtest.Cloud) Config
	}{
		{name: "ECR Public", host: publicHost, setup: func(t *testing.T, _ string, c *ecrtest.Cloud) Config {
			userEnv(t, c)
			return Config{Endpoint: c.ECRURL()}
		}},
		{name: "shared credentials file", host: testHost, setup: func(t *testing.T, home string, c *ecrtest.Cloud) Config {
			k := c.NewUser("laptop")
			testkit.WriteFile(t, filepath.Join(home, ".aws", "credentials"),
				"[default]\naws_access_key_id = "+k.AccessKeyID+"\naws_secret_access_key = "+k.SecretAccessKey+"\n")
			return Config{Endpoint: c.ECRURL()}
		}},
		{name: "the entry's profile over environment keys", host: testHost, setup: func(t *testing.T, home string, c *ecrtest.Cloud) Config {
			userEnv(t, c) // the SDK prefers a profile named in code to them (AWS_PROFILE it does not)
			k := c.NewUser("prod")
			testkit.WriteFile(t, filepath.Join(home, ".aws", "credentials"),
				"[prod]\naws_access_key_id = "+k.AccessKeyID+"\naws_secret_access_key = "+k.SecretAccessKey+"\n")
			return Config{Endpoint: c.ECRURL(), Profile: "prod"}
		}},
		{name: "legacy key names", host: testHost, setup: func(t *testing.T, _ string, c *ecrtest.Cloud) Config {
			k := c.NewUser("ci") // the SDK reads them; the lean fetcher does not
			t.Setenv("AWS_ACCESS_KEY", k.AccessKeyID)
			t.Setenv("AWS_SECRET_KEY", k.SecretAccessKey)
			return Config{Endpoint: c.ECRURL()}
		}},
		{name: "a legacy secret key name", host: testHost, setup: func(t *testing.T, _ string, c *ecrtest.Cloud) Config {
			k := c.NewUser("ci")
			t.Setenv("AWS_ACCESS_KEY_ID", k.AccessKeyID)
			t.Setenv("AWS_SECRET_KEY", k.SecretAccessKey)
			return Config{Endpoint: c.ECRURL()}
		}},
		{name: "roleArn", host: testHost, setup: func(t *testing.T, _ string, c *ecrtest.Cloud) Config {
			user := userEnv(t, c)
			role := c.NewRole("puller", ecrtest.Trust{Principals: []string{user.ARN}})
			t.Setenv("AWS_ENDPOINT_URL_STS", c.STSURL())
			return Config{Endpoint: c.ECRURL(), RoleARN: role}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := isolate(t)
			cloud := ecrtest.New(t)
			p, _ := newProvider(t, tt.setup(t, home, cloud))
			cred := mustGet(t, p, cloud, tt.host)
			assert.True(t, cred.Recipe.IsZero(), "recipe %+v", cred.Recipe)
		})
	}
}
