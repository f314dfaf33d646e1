package static

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

func TestCredentialSources(t *testing.T) {
	files := map[string]string{
		"user":         "alice\n",
		"pass":         secretPass + "\n",
		"pass-crlf":    secretPass + "\r\n",
		"pass-two-nl":  secretPass + "\n\n",
		"pass-spaces":  " " + secretPass + " ",
		"pass-no-nl":   secretPass,
		"empty":        "",
		"only-newline": "\n",
		"huge":         strings.Repeat("x", staticread.MaxFile+1),
		"max":          strings.Repeat("y", staticread.MaxFile),
	}
	dir := writeFiles(t, files)
	require.NoError(t, os.Mkdir(filepath.Join(dir, "adir"), 0o700))
	f := func(name string) string { return filepath.Join(dir, name) }
	env := map[string]string{"REG_USER": "bob", "REG_PASS": secretPass, "EMPTY": "", "HOME": dir}

	tests := []struct {
		name       string
		cfg        Config
		env        map[string]string
		wantUser   string
		wantSecret string
		wantErr    error
		errHas     string
	}{
		{name: "inline", cfg: Config{Username: "alice", Password: secretPass}, wantUser: "alice", wantSecret: secretPass},
		{name: "env", cfg: Config{UsernameEnv: "REG_USER", PasswordEnv: "REG_PASS"}, env: env, wantUser: "bob", wantSecret: secretPass},
		{name: "files", cfg: Config{UsernameFile: f("user"), PasswordFile: f("pass")}, wantUser: "alice", wantSecret: secretPass},
		{name: "mixed sources", cfg: Config{Username: "carol", PasswordFile: f("pass-no-nl")}, wantUser: "carol", wantSecret: secretPass},
		{name: "crlf trimmed", cfg: Config{Username: "a", PasswordFile: f("pass-crlf")}, wantUser: "a", wantSecret: secretPass},
		{name: "only one newline trimmed", cfg: Config{Username: "a", PasswordFile: f("pass-two-nl")}, wantUser: "a", wantSecret: secretPass + "\n"},
		{name: "spaces kept", cfg: Config{Username: "a", PasswordFile: f("pass-spaces")}, wantUser: "a", wantSecret: " " + secretPass + " "},
		{name: "file at the size limit", cfg: Config{Username: "a", PasswordFile: f("max")}, wantUser: "a", wantSecret: files["max"]},
		{name: "home expansion", cfg: Config{UsernameFile: "~/user", PasswordFile: "~/pass"}, env: env, wantUser: "alice", wantSecret: secretPass},

		{name: "env unset", cfg: Config{Username: "a", PasswordEnv: "NOPE"}, env: env, wantErr: providers.ErrNotFound, errHas: "password variable NOPE is not set"},
		{name: "env empty", cfg: Config{UsernameEnv: "EMPTY", Password: secretPass}, env: env, wantErr: providers.ErrNotFound, errHas: "username variable EMPTY is empty"},
		{name: "file missing", cfg: Config{Username: "a", PasswordFile: f("nope")}, wantErr: providers.ErrNotFound, errHas: "password file " + f("nope") + " does not exist"},
		{name: "username file missing", cfg: Config{UsernameFile: f("nope"), Password: secretPass}, wantErr: providers.ErrNotFound, errHas: "username file " + f("nope")},
		{name: "file empty", cfg: Config{Username: "a", PasswordFile: f("empty")}, wantErr: providers.ErrNotFound, errHas: "password file " + f("empty") + " is empty"},
		{name: "file only newline", cfg: Config{Username: "a", PasswordFile: f("only-newline")}, wantErr: providers.ErrNotFound, errHas: "is empty"},
		{name: "file too large", cfg: Config{Username: "a", PasswordFile: f("huge")}, wantErr: providers.ErrInvalid, errHas: "larger than 1024 KiB"},
		{name: "file is a directory", cfg: Config{Username: "a", PasswordFile: f("adir")}, wantErr: providers.ErrInvalid, errHas: "is a directory"},
		{name: "home unset", cfg: Config{Username: "a", PasswordFile: "~/pass"}, env: map[string]string{}, wantErr: providers.ErrNotFound, errHas: "HOME"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cred, logs, err := run(t, tc.cfg, tc.env, providers.Request{Registry: "reg.example.com"})
			assertNoSecret(t, "log", logs)
			if tc.wantErr != nil {
				testkit.WantErr(t, err, tc.wantErr, tc.errHas)
				assertNoSecret(t, "error", err.Error())
				return
			}
			require.NoError(t, err, "Credential")
			assert.Equal(t, tc.wantUser, cred.Username)
			assert.Equal(t, tc.wantSecret, cred.Secret.Reveal())
			assert.False(t, cred.Anonymous)
			assert.True(t, cred.ExpiresAt.IsZero(), "ExpiresAt %v, want none", cred.ExpiresAt)
		})
	}
}

func TestFileIsReadAtCredentialTime(t *testing.T) {
	dir := t.TempDir()
	pass := filepath.Join(dir, "pass")
	p, err := New(Config{Username: "a", PasswordFile: pass}, providers.Deps{LookupEnv: testkit.Env{}.Lookup})
	require.NoError(t, err, "New must not read the file")
	ctx := context.Background()
	_, err = p.Credential(ctx, providers.Request{Registry: "r.io"})
	require.ErrorIs(t, err, providers.ErrNotFound, "before the file exists")
	for _, want := range []string{"first", "rotated"} {
		testkit.WriteFile(t, pass, want+"\n")
		cred, err := p.Credential(ctx, providers.Request{Registry: "r.io"})
		require.NoError(t, err)
		require.Equal(t, want, cred.Secret.Reveal())
	}
}

func TestUnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file; permission errors cannot be produced")
	}
	dir := writeFiles(t, map[string]string{"pass": secretPass})
	path := filepath.Join(dir, "pass")
	require.NoError(t, os.Chmod(path, 0))
	_, _, err := run(t, Config{Username: "a", PasswordFile: path}, nil, providers.Request{Registry: "r.io"})
	testkit.WantErr(t, err, providers.ErrDenied, path)
}

func TestCanceledContext(t *testing.T) {
	dir := writeFiles(t, map[string]string{"pass": secretPass})
	p, err := New(Config{Username: "a", PasswordFile: filepath.Join(dir, "pass")}, providers.Deps{LookupEnv: testkit.Env{}.Lookup})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = p.Credential(ctx, providers.Request{Registry: "r.io"})
	require.ErrorIs(t, err, context.Canceled)
}
