package cache

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// listenUnix makes a real socket at path, as a running bus would.
func listenUnix(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
}

func TestBusProbe(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		setup   func(t *testing.T, xdg, runUser string)
		wantOK  bool
		wantPin bool
	}{
		{name: "nothing", env: map[string]string{}},
		{name: "bus address in the environment", env: map[string]string{"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}, wantOK: true},
		{name: "autolaunch address", env: map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:"}},
		{name: "socket in XDG_RUNTIME_DIR", env: map[string]string{"XDG_RUNTIME_DIR": "$xdg"}, wantOK: true, wantPin: true,
			setup: func(t *testing.T, xdg, _ string) { listenUnix(t, filepath.Join(xdg, "bus")) }},
		{name: "plain file named bus in XDG_RUNTIME_DIR", env: map[string]string{"XDG_RUNTIME_DIR": "$xdg"},
			setup: func(t *testing.T, xdg, _ string) {
				require.NoError(t, os.WriteFile(filepath.Join(xdg, "bus"), nil, 0o600))
			}},
		{name: "relative XDG_RUNTIME_DIR", env: map[string]string{"XDG_RUNTIME_DIR": "run"}},
		{name: "socket in /run/user/<uid>", env: map[string]string{}, wantOK: true,
			setup: func(t *testing.T, _, runUser string) { listenUnix(t, filepath.Join(runUser, "bus")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			xdg, runUser := t.TempDir(), t.TempDir()
			if tt.setup != nil {
				tt.setup(t, xdg, runUser)
			}
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "$xdg", xdg)
			}
			pin, ok := busProbe{lookupEnv: testkit.Env(env).Lookup, runUser: runUser}.find()
			assert.Equal(t, tt.wantOK, ok, "find ok (pin %q)", pin)
			assert.Equal(t, tt.wantPin, pin != "", "find pinned (pin %q)", pin)
			if tt.wantPin {
				assert.Equal(t, "unix:path="+escapeBusValue(filepath.Join(xdg, "bus")), pin)
			}
		})
	}
}

func TestEscapeBusValue(t *testing.T) {
	assert.Equal(t, "/run/user/1000/my%20bus%3D1%3Bx", escapeBusValue("/run/user/1000/my bus=1;x"))
}

func TestUsesDBus(t *testing.T) {
	for goos, want := range map[string]bool{"linux": true, "freebsd": true, "darwin": false, "windows": false} {
		assert.Equal(t, want, usesDBus(goos), "usesDBus(%s)", goos)
	}
}

func TestNoSessionBusMeansNoKeyringCall(t *testing.T) {
	if !usesDBus(goosForTest()) {
		t.Skip("the keyring needs no D-Bus here")
	}
	if isSocket(defaultRunUser() + "/bus") {
		t.Skipf("%s/bus exists on this machine, so there is a session bus", defaultRunUser())
	}
	for _, kind := range []string{KindAuto, KindKeyring} {
		t.Run(kind, func(t *testing.T) {
			kr := newMemKeyring(0)
			log, logs := testkit.DebugLogger()
			env := testkit.Env{"XDG_RUNTIME_DIR": t.TempDir(), "HOME": t.TempDir()}.Lookup
			c, err := Open(Options{Kind: kind, Dir: t.TempDir(), LookupEnv: env, Keyring: kr, TTL: 1, Now: testkit.NewClock(t0).Now, Logger: log})
			require.NoError(t, err)
			assert.Equal(t, KindFile, c.Name(), "store")
			ctx := context.Background()
			_, _, err = c.Credential(ctx, Item{Key: testKey("k"), Registry: "r"}, fetchOnce(t, token(t0)))
			require.NoError(t, err)
			_, err = c.List(ctx)
			require.NoError(t, err)
			_, err = c.Clear(ctx, "")
			require.NoError(t, err)
			assert.Zero(t, kr.calls.Load(), "keyring calls without a session bus")
			warned := strings.Contains(logs.String(), "no D-Bus session bus")
			assert.Equal(t, kind == KindKeyring, warned, "warning about the missing bus for %s; log:\n%s", kind, logs)
		})
	}
}
