package cache

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// listenUnix makes a real socket at path, as a running bus would.
func listenUnix(t *testing.T, path string) {
	t.Helper()
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
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
				if err := os.WriteFile(filepath.Join(xdg, "bus"), nil, 0o600); err != nil {
					t.Fatal(err)
				}
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
			pin, ok := busProbe{lookupEnv: envMap(env), runUser: runUser}.find()
			if ok != tt.wantOK || (pin != "") != tt.wantPin {
				t.Errorf("find = %q, %v; want ok %v, pin %v", pin, ok, tt.wantOK, tt.wantPin)
			}
			if tt.wantPin && pin != "unix:path="+escapeBusValue(filepath.Join(xdg, "bus")) {
				t.Errorf("pin = %q", pin)
			}
		})
	}
}

func TestEscapeBusValue(t *testing.T) {
	if got := escapeBusValue("/run/user/1000/my bus=1;x"); got != "/run/user/1000/my%20bus%3D1%3Bx" {
		t.Errorf("escapeBusValue = %q", got)
	}
}

func TestUsesDBus(t *testing.T) {
	for goos, want := range map[string]bool{"linux": true, "freebsd": true, "darwin": false, "windows": false} {
		if got := usesDBus(goos); got != want {
			t.Errorf("usesDBus(%s) = %v, want %v", goos, got, want)
		}
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
			log, logs := newLog()
			env := envMap(map[string]string{"XDG_RUNTIME_DIR": t.TempDir(), "HOME": t.TempDir()})
			c, err := Open(Options{Kind: kind, Dir: t.TempDir(), LookupEnv: env, Keyring: kr, TTL: 1, Now: newClock().Now, Logger: log})
			if err != nil {
				t.Fatal(err)
			}
			if c.Name() != KindFile {
				t.Errorf("store %s, want file", c.Name())
			}
			ctx := context.Background()
			if _, _, err := c.Credential(ctx, Item{Key: testKey("k"), Registry: "r"}, fetchOnce(t, token(t0))); err != nil {
				t.Fatal(err)
			}
			if _, err := c.List(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Clear(ctx, ""); err != nil {
				t.Fatal(err)
			}
			if n := kr.calls.Load(); n != 0 {
				t.Errorf("%d keyring calls without a session bus", n)
			}
			if warned := strings.Contains(logs.String(), "no D-Bus session bus"); warned != (kind == KindKeyring) {
				t.Errorf("warning about the missing bus = %v for %s; log:\n%s", warned, kind, logs)
			}
		})
	}
}
