package helperexec

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

const secret = "s3cr3t-never-logged"

// script writes an executable shell-script helper into a temp dir.
func script(t *testing.T, body string) string {
	t.Helper()
	exe := filepath.Join(t.TempDir(), "docker-credential-fake")
	testkit.WriteFileMode(t, exe, "#!/bin/sh\n"+body, 0o755)
	return exe
}

func TestGet(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		server   string
		timeout  time.Duration
		wantErr  error
		wantUser string
		wantLog  string
		noLog    string
	}{
		{
			name:     "success echoes the server it was asked about",
			body:     `read s; [ "$1" = get ] && [ "$s" = "https://index.docker.io/v1/" ] || exit 3; printf '{"ServerURL":"%s","Username":"hub","Secret":"` + secret + `"}' "$s"`,
			server:   ServerFor("docker.io"),
			wantUser: "hub",
		},
		{
			name:    "not found",
			body:    `echo "credentials not found in native keychain"; exit 1`,
			server:  "reg.example.com",
			wantErr: providers.ErrNotFound,
		},
		{
			name:    "empty secret is not found",
			body:    `echo '{"Username":"u","Secret":""}'`,
			server:  "reg.example.com",
			wantErr: providers.ErrNotFound,
		},
		{
			name:    "garbage answer is invalid and not quoted",
			body:    `echo 'not json ` + secret + `'`,
			server:  "reg.example.com",
			wantErr: providers.ErrInvalid,
		},
		{
			name:    "failure logs stderr, never stdout",
			body:    `echo "stdout holds ` + secret + `"; echo "keychain locked" >&2; exit 2`,
			server:  "reg.example.com",
			wantErr: providers.ErrUnavailable,
			wantLog: "keychain locked",
			noLog:   secret,
		},
		{
			name:    "long stderr is truncated",
			body:    `head -c 5000 /dev/zero | tr '\0' x >&2; exit 1`,
			server:  "reg.example.com",
			wantErr: providers.ErrUnavailable,
			wantLog: strings.Repeat("x", loggedStderr) + "…",
			noLog:   strings.Repeat("x", loggedStderr+1),
		},
		{
			name:    "hang is bounded, its child too",
			body:    `sleep 30 & sleep 30`,
			server:  "reg.example.com",
			timeout: 300 * time.Millisecond,
			wantErr: providers.ErrUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			start := time.Now()
			cred, err := Get(ctx, log, script(t, tt.body), tt.server)
			assert.LessOrEqual(t, time.Since(start), tt.timeout+time.Second, "Get took too long")
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				testkit.AssertNoSecret(t, "error", err.Error(), secret)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tt.wantUser, cred.Username)
				assert.Equal(t, secret, cred.Secret.Reveal())
			}
			assert.Contains(t, logs.String(), tt.wantLog)
			if tt.noLog != "" {
				assert.NotContains(t, logs.String(), tt.noLog)
			}
			testkit.AssertNoSecret(t, "log", logs.String(), secret)
		})
	}
}

func TestList(t *testing.T) {
	exe := script(t, `[ "$1" = list ] || exit 3; echo '{"https://index.docker.io/v1/":"hub","reg.example.com":"bob"}'`)
	got, err := List(context.Background(), nil, exe)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"reg.example.com": "bob", DockerHubServer: "hub"}, got)
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	helper := filepath.Join(dir, Prefix+"other")
	testkit.WriteFileMode(t, helper, "#!/bin/sh\n", 0o755)
	self, err := os.Executable()
	require.NoError(t, err)
	require.NoError(t, os.Symlink(self, filepath.Join(dir, Prefix+"alias")))
	t.Setenv("PATH", dir)
	tests := []struct {
		name, helperName, path string
		want                   string
		wantErr                error
	}{
		{name: "name on PATH", helperName: "other", want: helper},
		{name: "path", path: helper, want: helper},
		{name: "missing name", helperName: "absent", wantErr: providers.ErrUnavailable},
		{name: "name with slash", helperName: "a/b", wantErr: providers.ErrInvalid},
		{name: "regcred by name", helperName: "regcred", wantErr: providers.ErrInvalid},
		{name: "own executable through a link", helperName: "alias", wantErr: providers.ErrInvalid},
		{name: "own executable by path", path: self, wantErr: providers.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Find(tt.helperName, tt.path)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
