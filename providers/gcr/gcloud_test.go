package gcr

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// gcloudWorld is a fake gcloud logged in as a user of the fake Google.
type gcloudWorld struct {
	srv    *gcrtest.Server
	gcloud *gcrtest.Gcloud
	user   *gcrtest.User
	h      *harness
}

func newGcloudWorld(t *testing.T) *gcloudWorld {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake gcloud is a link to the test binary named gcloud; Windows runs gcloud.cmd")
	}
	w := &gcloudWorld{srv: gcrtest.NewServer(t), h: newHarness(t)}
	w.gcloud = w.srv.NewGcloud(t)
	w.user = w.srv.NewUser("dev@example.com")
	w.gcloud.Login(t, "default", w.user)
	w.h.env["CLOUDSDK_CONFIG"] = w.gcloud.ConfigDir
	w.h.env["PATH"] = "/nonexistent:" + w.gcloud.BinDir
	return w
}

// TestGcloudLogin: source gcloud runs `gcloud config config-helper`,
// which refreshes the user's login at the fake token endpoint; the answer
// is that token, with gcloud's expiry, and neither it nor the refresh
// token reaches the log.
func TestGcloudLogin(t *testing.T) {
	w := newGcloudWorld(t)
	p := w.h.provider(t, Config{Source: SourceGcloud})
	before := time.Now().Truncate(time.Second)
	cred, iss := mustGet(t, p, w.srv)
	assert.Equal(t, w.user.Email, iss.Principal, "token issued to")
	assert.Equal(t, "refresh_token", iss.Via, "token issued via")
	lo, hi := before.Add(3599*time.Second), time.Now().Add(3600*time.Second)
	assert.False(t, cred.ExpiresAt.Before(lo) || cred.ExpiresAt.After(hi), "ExpiresAt %v, want gcloud's token_expiry, between %v and %v", cred.ExpiresAt, lo, hi)
	assert.Contains(t, w.h.logs.String(), w.user.Email, "the debug log names the account")
	testkit.AssertNoSecret(t, "debug log", w.h.logs.String(), cred.Secret.Reveal(), w.user.RefreshToken, w.user.ClientSecret)
}

// TestGcloudChoosesTheLogin: gcloud's configuration and account
// variables, gcloudPath, and impersonation with the gcloud login.
func TestGcloudChoosesTheLogin(t *testing.T) {
	w := newGcloudWorld(t)
	other := w.srv.NewUser("ops@example.com")
	w.gcloud.Login(t, "ops", other)
	w.gcloud.Activate(t, "default")
	const target = "puller@proj.iam.gserviceaccount.com"
	w.srv.AllowImpersonation(other.Email, target)
	tests := []struct {
		name  string
		cfg   Config
		env   map[string]string
		setup func(t *testing.T)
		want  string
	}{
		{name: "the active configuration's account", want: w.user.Email},
		{name: "CLOUDSDK_ACTIVE_CONFIG_NAME", env: map[string]string{"CLOUDSDK_ACTIVE_CONFIG_NAME": "ops"}, want: other.Email},
		{name: "CLOUDSDK_CORE_ACCOUNT", env: map[string]string{"CLOUDSDK_CORE_ACCOUNT": other.Email}, want: other.Email},
		{name: "gcloudPath, PATH without gcloud", cfg: Config{GcloudPath: w.gcloud.Path}, env: map[string]string{"PATH": "/nonexistent"}, want: w.user.Email},
		{name: "impersonation", cfg: Config{ImpersonateServiceAccount: target, IAMCredentialsEndpoint: w.srv.IAMCredentialsURL()},
			env: map[string]string{"CLOUDSDK_ACTIVE_CONFIG_NAME": "ops"}, want: target},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := *w.h
			h.env = testkit.Env{}
			for k, v := range w.h.env {
				h.env[k] = v
			}
			for k, v := range tt.env {
				h.env[k] = v
			}
			tt.cfg.Source = SourceGcloud
			_, iss := mustGet(t, h.provider(t, tt.cfg), w.srv)
			assert.Equal(t, tt.want, iss.Principal, "token issued to")
		})
	}
}

// TestGcloudIdentityFiles: the cache key follows gcloud's active
// configuration file, so `gcloud config configurations activate` or
// `gcloud config set account` gets a new key.
func TestGcloudIdentityFiles(t *testing.T) {
	dir := t.TempDir()
	env := testkit.Env{"CLOUDSDK_CONFIG": dir, "HOME": "/home/ci"}
	cfg := Config{Source: SourceGcloud}
	assert.Equal(t, []string{filepath.Join(dir, "active_config"), filepath.Join(dir, "configurations", "config_default")}, cfg.IdentityFiles(env.Lookup), "no active_config: default")
	testkit.WriteFile(t, filepath.Join(dir, "active_config"), "ops\n")
	assert.Equal(t, filepath.Join(dir, "configurations", "config_ops"), cfg.IdentityFiles(env.Lookup)[1], "active_config names ops")
	env["CLOUDSDK_ACTIVE_CONFIG_NAME"] = "ci"
	assert.Equal(t, filepath.Join(dir, "configurations", "config_ci"), cfg.IdentityFiles(env.Lookup)[1], "the variable wins")
	testkit.WriteFile(t, filepath.Join(dir, "active_config"), "../../etc/passwd")
	delete(env, "CLOUDSDK_ACTIVE_CONFIG_NAME")
	assert.Equal(t, filepath.Join(dir, "configurations", "config_default"), cfg.IdentityFiles(env.Lookup)[1], "a name with a slash is no name")
	assert.Subset(t, cfg.EnvKeys(), []string{"CLOUDSDK_CONFIG", "CLOUDSDK_ACTIVE_CONFIG_NAME", "CLOUDSDK_CORE_ACCOUNT"})
	assert.NotContains(t, cfg.EnvKeys(), "GOOGLE_APPLICATION_CREDENTIALS", "gcloud's own login does not read ADC")
}

// script writes an executable shell script standing in for a broken gcloud.
func script(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "gcloud")
	testkit.WriteFileMode(t, path, "#!/bin/sh\n"+body+"\n", 0o755)
	return path
}

// TestGcloudFailures: each way gcloud fails is explained, classified, and
// free of secrets.
func TestGcloudFailures(t *testing.T) {
	const leaked = "ya29.a0AfB_byLeakedTokenInStderr0123456789"
	tests := []struct {
		name    string
		cfg     Config
		setup   func(t *testing.T, w *gcloudWorld)
		timeout time.Duration
		target  error
		want    []string
	}{
		{name: "not installed", setup: func(_ *testing.T, w *gcloudWorld) { w.h.env["PATH"] = "/nonexistent:relative/bin" },
			target: providers.ErrNoIdentity, want: []string{"gcloud is not on PATH", "install the Google Cloud CLI", "gcloudPath"}},
		{name: "gcloudPath missing", cfg: Config{GcloudPath: "/nonexistent/gcloud"},
			target: providers.ErrNoIdentity, want: []string{"/nonexistent/gcloud", "no such file"}},
		{name: "gcloudPath not executable", setup: func(t *testing.T, w *gcloudWorld) {
			testkit.WriteFile(t, filepath.Join(w.gcloud.ConfigDir, "plain"), "x")
		}, cfg: Config{GcloudPath: "plain"}, target: providers.ErrNoIdentity, want: []string{"not executable"}},
		{name: "no active account", setup: func(t *testing.T, w *gcloudWorld) { w.gcloud.SetAccount(t, "default", "") },
			target: providers.ErrNoIdentity, want: []string{"active account", "run `gcloud auth login`"}},
		{name: "account never logged in", setup: func(t *testing.T, w *gcloudWorld) { w.gcloud.SetAccount(t, "default", "who@example.com") },
			target: providers.ErrNoIdentity, want: []string{"who@example.com", "valid credentials", "gcloud auth login"}},
		{name: "login revoked", setup: func(_ *testing.T, w *gcloudWorld) { w.user.Revoke() },
			target: providers.ErrDenied, want: []string{"expired or revoked", "run `gcloud auth login` again"}},
		{name: "not gcloud's JSON", cfg: Config{GcloudPath: "script"}, setup: func(t *testing.T, w *gcloudWorld) {
			w.h.env["SCRIPT"] = script(t, `echo "Updates are available"; echo '`+leaked+`'`)
		}, target: providers.ErrInvalid, want: []string{"not its JSON", "not shown"}},
		{name: "no token", cfg: Config{GcloudPath: "script"}, setup: func(t *testing.T, w *gcloudWorld) {
			w.h.env["SCRIPT"] = script(t, `echo '{"configuration":{"properties":{"core":{"account":"dev@example.com"}}},"credential":{"access_token":""}}'`)
		}, target: providers.ErrNoIdentity, want: []string{"no access token for account dev@example.com", "gcloud auth login"}},
		{name: "expired token", cfg: Config{GcloudPath: "script"}, setup: func(t *testing.T, w *gcloudWorld) {
			w.h.env["SCRIPT"] = script(t, `echo '{"credential":{"access_token":"`+leaked+`","token_expiry":"2001-01-01T00:00:00Z"}}'`)
		}, target: providers.ErrInvalid, want: []string{"expired", "clock"}},
		{name: "bad expiry", cfg: Config{GcloudPath: "script"}, setup: func(t *testing.T, w *gcloudWorld) {
			w.h.env["SCRIPT"] = script(t, `echo '{"credential":{"access_token":"`+leaked+`","token_expiry":"soon"}}'`)
		}, target: providers.ErrInvalid, want: []string{"token_expiry"}},
		{name: "stderr with a token", cfg: Config{GcloudPath: "script"}, setup: func(t *testing.T, w *gcloudWorld) {
			w.h.env["SCRIPT"] = script(t, `echo "WARNING: noise" >&2; echo "ERROR: (gcloud.config.config-helper) proxy said `+leaked+` no" >&2; exit 1`)
		}, target: providers.ErrUnavailable, want: []string{"ERROR: (gcloud.config.config-helper) proxy said [redacted] no", "exit status 1"}},
		{name: "hangs", cfg: Config{GcloudPath: "script"}, timeout: 500 * time.Millisecond, setup: func(t *testing.T, w *gcloudWorld) {
			w.h.env["SCRIPT"] = script(t, `/bin/sleep 30`)
		}, target: providers.ErrUnavailable, want: []string{"did not answer within", "deadline exceeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newGcloudWorld(t)
			if tt.setup != nil {
				tt.setup(t, w)
			}
			switch tt.cfg.GcloudPath {
			case "script":
				tt.cfg.GcloudPath = w.h.env["SCRIPT"]
			case "plain":
				tt.cfg.GcloudPath = filepath.Join(w.gcloud.ConfigDir, "plain")
			}
			tt.cfg.Source = SourceGcloud
			p := w.h.provider(t, tt.cfg)
			ctx := context.Background()
			if tt.timeout != 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			_, err := p.Credential(ctx, providers.Request{Registry: "gcr.io", Pattern: "gcr.io"})
			testkit.WantErr(t, err, tt.target, tt.want...)
			testkit.AssertNoSecret(t, "error and log", err.Error()+w.h.logs.String(), append(w.srv.IssuedTokens(), leaked, w.user.RefreshToken)...)
		})
	}
}

// TestGcloudDoesNotRunOnNew: New runs nothing; only Credential does.
func TestGcloudDoesNotRunOnNew(t *testing.T) {
	w := newGcloudWorld(t)
	marker := filepath.Join(t.TempDir(), "ran")
	w.h.provider(t, Config{Source: SourceGcloud, GcloudPath: script(t, "touch "+marker)})
	_, err := os.Stat(marker)
	assert.ErrorIs(t, err, os.ErrNotExist, "New ran gcloud")
	assert.Zero(t, w.srv.Requests("token"), "New reached the token endpoint")
}
