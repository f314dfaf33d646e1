package ocivault

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ocitest"
)

func TestCredentialReadsSecret(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "pull-secret", "robot", "s3cret-by-id")
	tests := []struct {
		name string
		cfg  Config
		op   string
	}{
		{name: "by OCID", cfg: Config{SecretID: testSecretID}, op: "GetSecretBundle"},
		{name: "by name and vault", cfg: Config{SecretName: "pull-secret", VaultID: testVaultID}, op: "GetSecretBundleByName"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.secrets.Calls())
			cred, err := f.provider(t, tc.cfg, nil).Credential(context.Background(), providers.Request{Registry: "example.registry.io"})
			require.NoError(t, err, "Credential")
			assert.Equal(t, "robot", cred.Username)
			assert.Equal(t, "s3cret-by-id", cred.Secret.Reveal())
			assert.True(t, cred.ExpiresAt.IsZero(), "ExpiresAt %v, want no expiry", cred.ExpiresAt)
			calls := f.secrets.Calls()[before:]
			require.Len(t, calls, 1)
			assert.Equal(t, tc.op, calls[0].Op)
			assert.Equal(t, "CURRENT", calls[0].Stage)
			assert.Equal(t, f.key.KeyID(), calls[0].KeyID, "signed by")
		})
	}
	assert.Empty(t, f.secrets.Rejected(), "the fake refused signatures")
}

func TestCredentialStagesAndVersions(t *testing.T) {
	f := newFixture(t)
	f.secrets.Put(ocitest.Secret{ID: testSecretID, Versions: []ocitest.Version{
		{Number: 1, Stages: []string{"PREVIOUS"}, Content: ocitest.PullSecret("u", "v1")},
		{Number: 2, Stages: []string{"CURRENT"}, Content: ocitest.PullSecret("u", "v2")},
		{Number: 3, Stages: []string{"PENDING"}, Content: ocitest.PullSecret("u", "v3")},
	}})
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "default is CURRENT", cfg: Config{}, want: "v2"},
		{name: "LATEST", cfg: Config{Stage: "LATEST"}, want: "v3"},
		{name: "stage is case-insensitive", cfg: Config{Stage: "previous"}, want: "v1"},
		{name: "version number", cfg: Config{VersionNumber: 1}, want: "v1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.SecretID = testSecretID
			cred, err := f.provider(t, tc.cfg, nil).Credential(context.Background(), providers.Request{})
			require.NoError(t, err, "Credential")
			assert.Equal(t, tc.want, cred.Secret.Reveal(), "password")
		})
	}
}

func TestCredentialFailures(t *testing.T) {
	f := newFixture(t)
	_, strangerConfig := ocitest.APIKeyConfig(t, nil, ocitest.Profile{Region: "us-ashburn-1"}) // a key the fake does not know
	const hidden = "ocid1.vaultsecret.oc1.iad.amaaaaaahiddensecret"
	const broken = "ocid1.vaultsecret.oc1.iad.amaaaaaabrokensecret"
	f.putSecret(testSecretID, "pull-secret", "robot", "pw")
	f.secrets.Put(ocitest.Secret{ID: hidden, Readers: []string{"someone-else"}, Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT"}, Content: ocitest.PullSecret("u", "p")}}})
	f.secrets.Put(ocitest.Secret{ID: broken, FailStatus: http.StatusServiceUnavailable, Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT"}}}})
	tests := []struct {
		name     string
		cfg      Config
		want     error
		contains string
		calls    int // requests the fake served for it
	}{
		{name: "missing secret", cfg: Config{SecretID: "ocid1.vaultsecret.oc1.iad.amaaaaaanosuchsecret"}, want: providers.ErrNotFound, contains: "amaaaaaanosuchsecret", calls: 1},
		{name: "missing by name", cfg: Config{SecretName: "nope", VaultID: testVaultID}, want: providers.ErrNotFound, contains: "secret nope in vault", calls: 1},
		{name: "not allowed by policy", cfg: Config{SecretID: hidden}, want: providers.ErrNotFound, contains: "policies", calls: 1},
		{name: "missing version", cfg: Config{SecretID: testSecretID, VersionNumber: 9}, want: providers.ErrNotFound, calls: 1},
		{name: "signature refused", cfg: Config{SecretID: testSecretID, ConfigFile: strangerConfig}, want: providers.ErrDenied, contains: "NotAuthenticated", calls: 0},
		{name: "server down, retried", cfg: Config{SecretID: broken}, want: providers.ErrUnavailable, contains: "503", calls: 3},
		{name: "unknown profile", cfg: Config{SecretID: testSecretID, Profile: "NOPE"}, want: providers.ErrNoIdentity, contains: "NOPE", calls: 0},
		{name: "no config file", cfg: Config{SecretID: testSecretID, ConfigFile: "/nonexistent/oci/config"}, want: providers.ErrNoIdentity, contains: "/nonexistent/oci/config", calls: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.secrets.Calls())
			_, err := f.provider(t, tc.cfg, nil).Credential(context.Background(), providers.Request{})
			require.ErrorIs(t, err, tc.want)
			assert.ErrorContains(t, err, tc.contains)
			assert.Equal(t, tc.calls, len(f.secrets.Calls())-before, "requests the fake served")
		})
	}
}

func TestCredentialRetriesTransientFailures(t *testing.T) {
	f := newFixture(t)
	f.secrets.Put(ocitest.Secret{ID: testSecretID, FailStatus: http.StatusTooManyRequests, FailTimes: 2,
		Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT"}, Content: ocitest.PullSecret("u", "after-retries")}}})
	cred, err := f.provider(t, Config{SecretID: testSecretID}, nil).Credential(context.Background(), providers.Request{})
	require.NoError(t, err, "Credential")
	assert.Equal(t, "after-retries", cred.Secret.Reveal())
	var statuses []int
	for _, c := range f.secrets.Calls() {
		statuses = append(statuses, c.Status)
	}
	assert.Equal(t, []int{429, 429, 200}, statuses)
}

func TestCredentialDoesNotRetryClientErrors(t *testing.T) {
	f := newFixture(t)
	f.secrets.Put(ocitest.Secret{ID: testSecretID, FailStatus: http.StatusForbidden, Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT"}}}})
	_, err := f.provider(t, Config{SecretID: testSecretID}, nil).Credential(context.Background(), providers.Request{})
	require.ErrorIs(t, err, providers.ErrDenied)
	assert.Len(t, f.secrets.Calls(), 1, "requests for a 403")
}

func TestCredentialExpiry(t *testing.T) {
	f := newFixture(t)
	now := time.Now().UTC().Truncate(time.Second)
	expires, deleted := now.Add(2*time.Hour), now.Add(time.Hour)
	f.secrets.Put(ocitest.Secret{ID: testSecretID, Versions: []ocitest.Version{
		{Number: 1, Stages: []string{"PREVIOUS"}, Content: ocitest.PullSecret("u", "old"), TimeOfExpiry: now.Add(-time.Minute)},
		{Number: 2, Stages: []string{"CURRENT"}, Content: ocitest.PullSecret("u", "p"), TimeOfExpiry: expires},
		{Number: 3, Stages: []string{"PENDING"}, Content: ocitest.PullSecret("u", "p"), TimeOfExpiry: expires, TimeOfDeletion: deleted},
	}})
	tests := []struct {
		name  string
		stage string
		want  time.Time
		err   error
	}{
		{name: "time of expiry", stage: "CURRENT", want: expires},
		{name: "deletion comes first", stage: "PENDING", want: deleted},
		{name: "already expired", stage: "PREVIOUS", err: providers.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cred, err := f.provider(t, Config{SecretID: testSecretID, Stage: tc.stage}, nil).Credential(context.Background(), providers.Request{})
			if tc.err != nil {
				testkit.WantErr(t, err, tc.err, "expired")
				return
			}
			require.NoError(t, err, "Credential")
			assert.True(t, cred.ExpiresAt.Equal(tc.want), "ExpiresAt %v, want %v", cred.ExpiresAt, tc.want)
		})
	}
}

func TestCredentialMalformedContentKeepsSecretOut(t *testing.T) {
	const secret = "Tr0ub4dor&3-do-not-leak"
	f := newFixture(t)
	tests := []struct {
		name    string
		content string
		why     string
	}{
		{name: "not base64", content: "%%" + secret + "%%", why: "not base64"},
		{name: "not JSON", content: testkit.B64("password=" + secret), why: "not a JSON object"},
		{name: "JSON array", content: testkit.B64(`["` + secret + `"]`), why: "not a JSON object"},
		{name: "no username", content: testkit.B64(`{"password":"` + secret + `"}`), why: `"username"`},
		{name: "no password", content: testkit.B64(`{"username":"u","pass":"` + secret + `"}`), why: `"password"`},
		{name: "password not a string", content: testkit.B64(`{"username":"u","password":["` + secret + `"]}`), why: `"password"`},
		{name: "empty content", content: "", why: "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.secrets.Put(ocitest.Secret{ID: testSecretID, Versions: []ocitest.Version{{Number: 4, Stages: []string{"CURRENT"}, Content: tc.content}}})
			_, err := f.provider(t, Config{SecretID: testSecretID}, nil).Credential(context.Background(), providers.Request{})
			require.ErrorIs(t, err, providers.ErrInvalid)
			testkit.WantErr(t, err, nil, tc.why, testSecretID, "version 4")
			testkit.AssertNoSecret(t, "error", err.Error(), secret)
			testkit.AssertNoSecret(t, "log", f.logs.String(), secret)
		})
	}
}

func TestCredentialOtherFieldsIgnoredAndSecretNotLogged(t *testing.T) {
	const secret = "pw-that-must-not-be-logged"
	f := newFixture(t)
	f.secrets.Put(ocitest.Secret{ID: testSecretID, Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT"},
		Content: testkit.B64(`{"username":"robot","password":"` + secret + `","registry":"x","email":"a@b"}`)}}})
	cred, err := f.provider(t, Config{SecretID: testSecretID}, nil).Credential(context.Background(), providers.Request{})
	require.NoError(t, err, "Credential")
	assert.Equal(t, "robot", cred.Username)
	assert.Equal(t, secret, cred.Secret.Reveal())
	assert.Contains(t, f.logs.String(), "robot", "the log names the user")
	testkit.AssertNoSecret(t, "log", f.logs.String(), secret)
}

func TestCredentialKeepsClientBetweenCalls(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "u", "p")
	p := f.provider(t, Config{SecretID: testSecretID}, nil)
	for range 2 {
		_, err := p.Credential(context.Background(), providers.Request{})
		require.NoError(t, err)
	}
	first := p.client
	_, err := p.Credential(context.Background(), providers.Request{})
	require.NoError(t, err)
	assert.Same(t, first, p.client, "client rebuilt")
}

func TestCredentialHonoursCancelledContext(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "u", "p")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.provider(t, Config{SecretID: testSecretID}, nil).Credential(ctx, providers.Request{})
	require.ErrorIs(t, err, providers.ErrUnavailable)
	require.ErrorIs(t, err, context.Canceled)
}

func TestConfigFileFromEnvironmentAndRegionFromEntry(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "u", "p")
	// The NOREGION profile has no region line: the SDK refuses it unless
	// the entry (or the secret's OCID) supplies one.
	env := map[string]string{"OCI_CONFIG_FILE": f.config, "OCI_CLI_PROFILE": "NOREGION"}
	p, err := New(Config{SecretName: "", SecretID: testSecretID, Endpoint: f.secrets.URL}, f.deps(env))
	require.NoError(t, err)
	_, err = p.Credential(context.Background(), providers.Request{})
	require.NoError(t, err, "Credential")
}
