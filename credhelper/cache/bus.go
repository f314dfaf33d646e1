package cache

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// usesDBus: go-keyring talks to the Secret Service over D-Bus everywhere
// but macOS (the security tool) and Windows (Credential Manager).
func usesDBus(goos string) bool {
	return goos != "darwin" && goos != "ios" && goos != "windows"
}

// busProbe finds a session bus without starting one. godbus, asked for the
// session bus when none is advertised, runs dbus-launch, which leaves a
// dbus-daemon behind after the helper exits; on a server or in CI that is
// one stray daemon per `docker pull`. So the keyring is used only when a
// bus is already there.
type busProbe struct {
	lookupEnv func(string) (string, bool)
	// runUser is /run/user/<uid>, where godbus itself looks for a bus.
	runUser string
}

func defaultRunUser() string {
	if runtime.GOOS != "linux" {
		return ""
	}
	return "/run/user/" + strconv.Itoa(os.Getuid())
}

// find reports whether a session bus exists and, when godbus would not find
// it on its own, the address it must be given through
// DBUS_SESSION_BUS_ADDRESS.
func (p busProbe) find() (pin string, ok bool) {
	if addr, _ := p.lookupEnv("DBUS_SESSION_BUS_ADDRESS"); addr != "" {
		// "autolaunch:" is the one address that makes godbus start a bus.
		return "", !strings.HasPrefix(addr, "autolaunch:")
	}
	if dir, _ := p.lookupEnv("XDG_RUNTIME_DIR"); dir != "" && filepath.IsAbs(dir) {
		if sock := filepath.Join(dir, "bus"); isSocket(sock) {
			// godbus looks in /run/user/<uid>, not $XDG_RUNTIME_DIR.
			return "unix:path=" + escapeBusValue(sock), true
		}
	}
	if p.runUser != "" && isSocket(filepath.Join(p.runUser, "bus")) {
		return "", true
	}
	return "", false
}

func isSocket(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Type() == fs.ModeSocket
}

// escapeBusValue escapes a D-Bus address value: bytes outside the
// optionally-escaped set become %XX.
func escapeBusValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '-' || c == '_' || c == '/' || c == '\\' || c == '.' || c == '*' ||
			('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
	}
	return b.String()
}
