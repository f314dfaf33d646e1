package ocivault

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ocitest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
			if cred.Username != "robot" || cred.Secret.Reveal() != "s3cret-by-id" || !cred.ExpiresAt.IsZero() {
				t.Errorf("got %q / %q / %v, want robot / s3cret-by-id / no expiry", cred.Username, cred.Secret.Reveal(), cred.ExpiresAt)
			}
			calls := f.secrets.Calls()[before:]
			if len(calls) != 1 || calls[0].Op != tc.op || calls[0].Stage != "CURRENT" || calls[0].KeyID != f.key.KeyID() {
				t.Errorf("calls = %+v, want one %s at stage CURRENT signed by %s", calls, tc.op, f.key.KeyID())
			}
		})
	}
	if r := f.secrets.Rejected(); len(r) != 0 {
		t.Errorf("the fake refused signatures: %v", r)
	}
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
	other, err := ocitest.NewAPIKey(ocitest.NewKeys()) // a key the fake does not know
	require.NoError(t, err)
	strangerConfig, err := other.WriteConfig(t.TempDir(), ocitest.Profile{Region: "us-ashburn-1"})
	require.NoError(t, err)
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
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("err %q does not mention %q", err, tc.contains)
			}
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
	if cred.Secret.Reveal() != "after-retries" {
		t.Errorf("password %q", cred.Secret.Reveal())
	}
	var statuses []int
	for _, c := range f.secrets.Calls() {
		statuses = append(statuses, c.Status)
	}
	if len(statuses) != 3 || statuses[0] != 429 || statuses[1] != 429 || statuses[2] != 200 {
		t.Errorf("statuses %v, want [429 429 200]", statuses)
	}
}

func TestCredentialDoesNotRetryClientErrors(t *testing.T) {
	f := newFixture(t)
	f.secrets.Put(ocitest.Secret{ID: testSecretID, FailStatus: http.StatusForbidden, Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT"}}}})
	_, err := f.provider(t, Config{SecretID: testSecretID}, nil).Credential(context.Background(), providers.Request{})
	require.ErrorIs(t, err, providers.ErrDenied)
	if n := len(f.secrets.Calls()); n != 1 {
		t.Errorf("%d requests for a 403, want 1", n)
	}
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
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), "expired") {
					t.Fatalf("err = %v, want %v about expiry", err, tc.err)
				}
				return
			}
			require.NoError(t, err, "Credential")
			if !cred.ExpiresAt.Equal(tc.want) {
				t.Errorf("ExpiresAt %v, want %v", cred.ExpiresAt, tc.want)
			}
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
			msg := err.Error()
			if !strings.Contains(msg, tc.why) || !strings.Contains(msg, testSecretID) || !strings.Contains(msg, "version 4") {
				t.Errorf("err %q should say %q and name the secret and version", msg, tc.why)
			}
			if strings.Contains(msg, secret) || strings.Contains(f.logs.String(), secret) {
				t.Errorf("the secret leaked: err %q, logs %q", msg, f.logs.String())
			}
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
	if cred.Username != "robot" || cred.Secret.Reveal() != secret {
		t.Errorf("got %q / %q", cred.Username, cred.Secret.Reveal())
	}
	if logs := f.logs.String(); !strings.Contains(logs, "robot") || strings.Contains(logs, secret) {
		t.Errorf("logs should name the user and not the password: %q", logs)
	}
}

func TestCredentialKeepsClientBetweenCalls(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "u", "p")
	p := f.provider(t, Config{SecretID: testSecretID}, nil)
	for range 2 {
		if _, err := p.Credential(context.Background(), providers.Request{}); err != nil {
			t.Fatal(err)
		}
	}
	first := p.client
	if _, err := p.Credential(context.Background(), providers.Request{}); err != nil || p.client != first {
		t.Errorf("client rebuilt or call failed: %v", err)
	}
}

func TestCredentialHonoursCancelledContext(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "u", "p")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.provider(t, Config{SecretID: testSecretID}, nil).Credential(ctx, providers.Request{})
	if !errors.Is(err, providers.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want ErrUnavailable wrapping context.Canceled", err)
	}
}

func TestConfigFileFromEnvironmentAndRegionFromEntry(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "u", "p")
	// The NOREGION profile has no region line: the SDK refuses it unless
	// the entry (or the secret's OCID) supplies one.
	env := map[string]string{"OCI_CONFIG_FILE": f.config, "OCI_CLI_PROFILE": "NOREGION"}
	p, err := New(Config{SecretName: "", SecretID: testSecretID, Endpoint: f.secrets.URL}, f.deps(env))
	require.NoError(t, err)
	if _, err := p.Credential(context.Background(), providers.Request{}); err != nil {
		t.Fatalf("Credential: %v", err)
	}
}
