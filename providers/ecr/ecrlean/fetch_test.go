package ecrlean

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

const region = "us-west-2"

// recipeFor is the recipe the ecr backend records for a call to cloud.
func recipeFor(cloud *ecrtest.Cloud) providers.Recipe {
	return providers.Recipe{Kind: providers.RecipeECR, URL: cloud.ECRURL() + "/", Region: region,
		Proxy: "https://" + ecrtest.Account + ".dkr.ecr." + region + ".amazonaws.com"}
}

func envOf(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func userEnv(k ecrtest.Keys) map[string]string {
	return map[string]string{"AWS_ACCESS_KEY_ID": k.AccessKeyID, "AWS_SECRET_ACCESS_KEY": k.SecretAccessKey}
}

func fetcher(env map[string]string) Fetcher {
	return Fetcher{HTTPClient: &http.Client{Timeout: 10 * time.Second}, LookupEnv: envOf(env), Now: time.Now}
}

// TestCredentialIsTheTokenECRIssued: the lean call, checked by a fake that
// verifies SigV4, the JSON 1.1 protocol and the body as AWS does, answers
// a token ECR issued to the keys' principal, for the recipe's region.
func TestCredentialIsTheTokenECRIssued(t *testing.T) {
	cloud := ecrtest.New(t)
	keys := cloud.NewUser("ci")
	r := recipeFor(cloud)
	cred, err := fetcher(userEnv(keys)).Credential(context.Background(), r)
	require.NoError(t, err, "fake rejected: %v", cloud.Rejections())
	assert.Equal(t, "AWS", cred.Username)
	g, ok := cloud.Lookup(cred.Secret.Reveal())
	require.True(t, ok, "the password is not one the fake issued")
	assert.Equal(t, keys.ARN, g.Principal)
	assert.Equal(t, region, g.Region)
	assert.WithinDuration(t, g.ExpiresAt, cred.ExpiresAt, time.Millisecond, "ExpiresAt is not ECR's expiresAt")
	assert.Equal(t, r, cred.Recipe, "the credential does not carry its recipe")
	assert.Equal(t, 1, cloud.Calls(ecrtest.ECR))
}

// TestCredentialSignsTheSessionToken: temporary keys (a CI job's) are
// signed with their session token, which the fake requires.
func TestCredentialSignsTheSessionToken(t *testing.T) {
	cloud := ecrtest.New(t)
	user := cloud.NewUser("admin")
	role := cloud.NewRole("ci", ecrtest.Trust{Principals: []string{user.ARN}})
	endpoint, auth := cloud.PodIdentity(role)
	temp := containerKeys(t, endpoint, auth)
	require.NotEmpty(t, temp["AWS_SESSION_TOKEN"])
	cred, err := fetcher(temp).Credential(context.Background(), recipeFor(cloud))
	require.NoError(t, err, "fake rejected: %v", cloud.Rejections())
	_, ok := cloud.Lookup(cred.Secret.Reveal())
	assert.True(t, ok)

	delete(temp, "AWS_SESSION_TOKEN")
	_, err = fetcher(temp).Credential(context.Background(), recipeFor(cloud))
	assert.ErrorIs(t, err, ErrRefused, "temporary keys without their session token were accepted")
}

// containerKeys fetches temporary keys from a container credentials
// endpoint, as environment variables.
func containerKeys(t *testing.T, endpoint, auth string) map[string]string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, endpoint, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var k struct{ AccessKeyId, SecretAccessKey, Token string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&k))
	return map[string]string{"AWS_ACCESS_KEY_ID": k.AccessKeyId, "AWS_SECRET_ACCESS_KEY": k.SecretAccessKey, "AWS_SESSION_TOKEN": k.Token}
}

// TestCredentialFailures: every failure is an error the fetcher hands to
// the engine, and none names a key or a token.
func TestCredentialFailures(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(cloud *ecrtest.Cloud, keys ecrtest.Keys, env map[string]string, r *providers.Recipe)
		want    error
		text    string // what the error quotes of ECR's answer
		noCall  bool
		options []ecrtest.Option
	}{
		{name: "denied", want: ErrRefused, text: "not authorized to perform: ecr:GetAuthorizationToken", setup: func(c *ecrtest.Cloud, k ecrtest.Keys, _ map[string]string, _ *providers.Recipe) {
			c.Deny(k.ARN, "ecr:GetAuthorizationToken")
		}},
		{name: "wrong secret", want: ErrRefused, setup: func(_ *ecrtest.Cloud, _ ecrtest.Keys, env map[string]string, _ *providers.Recipe) {
			env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
		}},
		{name: "throttled", want: ErrRefused, text: `"ThrottlingException": "Rate exceeded"`, setup: func(c *ecrtest.Cloud, _ ecrtest.Keys, _ map[string]string, _ *providers.Recipe) {
			c.FailNext(ecrtest.ECR, ecrtest.Throttle, 1)
		}},
		{name: "server error", want: ErrRefused, setup: func(c *ecrtest.Cloud, _ ecrtest.Keys, _ map[string]string, _ *providers.Recipe) {
			c.FailNext(ecrtest.ECR, ecrtest.ServerError, 1)
		}},
		{name: "a token for another registry endpoint", want: ErrAnswer, setup: func(_ *ecrtest.Cloud, _ ecrtest.Keys, _ map[string]string, r *providers.Recipe) {
			r.Proxy = "https://210987654321.dkr.ecr." + region + ".amazonaws.com"
		}},
		{name: "an expired token", want: ErrAnswer, options: []ecrtest.Option{ecrtest.WithTokenTTL(-time.Minute)}},
		{name: "no secret key", want: ErrNoKeys, noCall: true, setup: func(_ *ecrtest.Cloud, _ ecrtest.Keys, env map[string]string, _ *providers.Recipe) {
			delete(env, "AWS_SECRET_ACCESS_KEY")
		}},
		{name: "legacy key names only", want: ErrNoKeys, noCall: true, setup: func(_ *ecrtest.Cloud, k ecrtest.Keys, env map[string]string, _ *providers.Recipe) {
			delete(env, "AWS_ACCESS_KEY_ID")
			env["AWS_ACCESS_KEY"] = k.AccessKeyID
		}},
		{name: "plain http off this machine", want: providers.ErrRecipe, noCall: true, setup: func(_ *ecrtest.Cloud, _ ecrtest.Keys, _ map[string]string, r *providers.Recipe) {
			r.URL = "http://api.ecr." + region + ".amazonaws.com/"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cloud := ecrtest.New(t, tt.options...)
			keys := cloud.NewUser("ci")
			env, r := userEnv(keys), recipeFor(cloud)
			if tt.setup != nil {
				tt.setup(cloud, keys, env, &r)
			}
			cred, err := fetcher(env).Credential(context.Background(), r)
			require.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), tt.text)
			assert.Zero(t, cred)
			assert.NotContains(t, err.Error(), keys.SecretAccessKey, "the error names the secret key")
			if tt.noCall {
				assert.Zero(t, cloud.Calls(ecrtest.ECR), "a request was sent")
			} else {
				assert.Equal(t, 1, cloud.Calls(ecrtest.ECR), "want exactly one attempt, no retries")
			}
		})
	}
}

// TestCredentialNotAnswered: a closed endpoint or one that answers what
// is not ECR's JSON is an error, not a hang or a panic.
func TestCredentialNotAnswered(t *testing.T) {
	cloud := ecrtest.New(t)
	keys := cloud.NewUser("ci")
	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) }))
	defer junk.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for name, tt := range map[string]struct {
		url  string
		want error
	}{
		"closed": {closed.URL + "/", ErrNotSent},
		"junk":   {junk.URL + "/", ErrAnswer},
	} {
		t.Run(name, func(t *testing.T) {
			r := recipeFor(cloud)
			r.URL = tt.url
			_, err := fetcher(userEnv(keys)).Credential(context.Background(), r)
			assert.ErrorIs(t, err, tt.want)
		})
	}
}

func TestSplitToken(t *testing.T) {
	tests := []struct {
		name, encoded, user, password string
		ok                            bool
	}{
		{name: "user and password", encoded: "QVdTOnNlY3JldA==", user: "AWS", password: "secret", ok: true},
		{name: "a colon in the password", encoded: "QVdTOmE6Yg==", user: "AWS", password: "a:b", ok: true},
		{name: "not base64", encoded: "%%%"},
		{name: "no colon", encoded: "QVdT"},
		{name: "empty password", encoded: "QVdTOg=="},
		{name: "empty user", encoded: "OnNlY3JldA=="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, password, err := SplitToken(tt.encoded)
			if !tt.ok {
				assert.ErrorIs(t, err, ErrMalformedToken)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.user, user)
			assert.Equal(t, tt.password, password)
		})
	}
}
