package helper

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// The helper executables these tests run are built by `make tools`
// (docker-credential-helpers, the version go.sum pins) into GOPATH/bin.
// Without them the tests skip on a developer's machine and fail in CI.

// requireTool finds name on PATH or in GOPATH/bin and puts its directory
// first on PATH, as docker would find it.
func requireTool(t *testing.T, name, how string) {
	t.Helper()
	if _, err := exec.LookPath(name); err == nil {
		return
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		dir := filepath.Join(strings.TrimSpace(string(out)), "bin")
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
			return
		}
	}
	unavailable(t, name+" not found; "+how)
}

func unavailable(t *testing.T, why string) {
	t.Helper()
	require.NotEqual(t, "true", os.Getenv("CI"), why)
	t.Skip(why)
}

// helperCmd runs the named helper's verb with input, for setting up.
func helperCmd(t *testing.T, name, verb, input string) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker-credential-"+name, verb)
	cmd.Stdin = strings.NewReader(input)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w: %s", name, verb, err, out)
	}
	return nil
}

// exerciseHelper stores two logins in the real helper, then asks for them
// through the kind's provider, as an entry `helper: {name: …}` would.
func exerciseHelper(t *testing.T, name string) {
	const hubSecret, regSecret = "hub-secret-real-51", "reg-secret-real-52"
	stored := []struct{ server, user, secret string }{
		{"https://index.docker.io/v1/", "hubuser", hubSecret},
		{"127.0.0.1:5000", "reguser", regSecret},
	}
	for _, s := range stored {
		require.NoError(t, helperCmd(t, name, "store", fmt.Sprintf(`{"ServerURL":%q,"Username":%q,"Secret":%q}`, s.server, s.user, s.secret)))
		t.Cleanup(func() { _ = helperCmd(t, name, "erase", s.server) })
	}
	var logs bytes.Buffer
	p, err := New(Config{Name: name}, providers.Deps{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	tests := []struct {
		name, registry     string
		wantUser, wantPass string
		wantErr            error
	}{
		{name: "docker hub, stored as docker names it", registry: "docker.io", wantUser: "hubuser", wantPass: hubSecret},
		{name: "host and port", registry: "127.0.0.1:5000", wantUser: "reguser", wantPass: regSecret},
		{name: "nothing stored", registry: "other.example.com", wantErr: providers.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cred, err := p.Credential(ctx, providers.Request{Registry: tt.registry})
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantUser, cred.Username)
			assert.Equal(t, tt.wantPass, cred.Secret.Reveal())
		})
	}
	testkit.AssertNoSecret(t, "log", logs.String(), hubSecret, regSecret)
}

// TestRealHelperPass: docker-credential-pass over Debian's pass, with a
// throwaway GPG key in a temp GNUPGHOME and a temp password store.
func TestRealHelperPass(t *testing.T) {
	requireTool(t, "docker-credential-pass", "`make tools` builds it")
	for _, tool := range []string{"pass", "gpg", "gpgconf"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable(t, tool+" not found; `make packages` installs it")
		}
	}
	// Short: gpg-agent's socket path must fit a sockaddr_un.
	gnupg, err := os.MkdirTemp("", "gpg")
	require.NoError(t, err)
	t.Setenv("GNUPGHOME", gnupg)
	t.Cleanup(func() {
		_ = exec.Command("gpgconf", "--kill", "all").Run()
		_ = os.RemoveAll(gnupg)
	})
	t.Setenv("PASSWORD_STORE_DIR", filepath.Join(t.TempDir(), "store"))
	const uid = "regcred test <regcred-test@example.invalid>"
	out, err := exec.Command("gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
		"--quick-gen-key", uid, "default", "default", "never").CombinedOutput()
	require.NoError(t, err, "gpg --quick-gen-key: %s", out)
	out, err = exec.Command("pass", "init", uid).CombinedOutput()
	require.NoError(t, err, "pass init: %s", out)
	exerciseHelper(t, "pass")
}

// TestRealHelperSecretService: docker-credential-secretservice under the
// test Secret Service (credhelper/cache/testdata/with-secret-service.sh;
// `make keyring-test`).
func TestRealHelperSecretService(t *testing.T) {
	requireTool(t, "docker-credential-secretservice", "`make tools` builds it (gcc, libsecret-1-dev)")
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		unavailable(t, "no D-Bus session bus; run under credhelper/cache/testdata/with-secret-service.sh")
	}
	exerciseHelper(t, "secretservice")
}
