package ocivaultconfig

import (
	"bytes"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// heavyPrefixes are the import paths the front binary must not link: their
// package initialisation (TLS, HTTP, cloud SDKs, keyring, D-Bus) would cost
// every warm `get` its speed target, and the front links this package.
func heavyPrefixes() []string {
	return []string{
		"net/http", "crypto/tls", "github.com/aws", "github.com/oracle",
		"golang.org/x/oauth2", "cloud.google.com", "github.com/zalando", "github.com/godbus",
	}
}

// heavy returns the entries of deps that start with a heavy prefix.
func heavy(deps []string) []string {
	var bad []string
	for _, d := range deps {
		if slices.ContainsFunc(heavyPrefixes(), func(p string) bool { return strings.HasPrefix(d, p) }) {
			bad = append(bad, d)
		}
	}
	return bad
}

func TestHeavyFindsForbiddenImports(t *testing.T) {
	tests := []struct {
		name string
		deps []string
		want []string
	}{
		{name: "light", deps: []string{"fmt", "net/url", "net/netip", "github.com/regcred/regcred/providers"}},
		{name: "http and sdk", deps: []string{"fmt", "net/http", "github.com/oracle/oci-go-sdk/v65/common", "strings"}, want: []string{"net/http", "github.com/oracle/oci-go-sdk/v65/common"}},
		{name: "sub-packages", deps: []string{"net/http/httptrace", "crypto/tls", "github.com/godbus/dbus/v5"}, want: []string{"net/http/httptrace", "crypto/tls", "github.com/godbus/dbus/v5"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := heavy(tc.deps); !slices.Equal(got, tc.want) {
				t.Errorf("heavy(%v) = %v, want %v", tc.deps, got, tc.want)
			}
		})
	}
}

// TestLinksNothingHeavy lists this package's dependencies with the go
// tool, so a new import that drags in the SDK or net/http fails here and
// not, silently, in the front binary's start-up time.
func TestLinksNothingHeavy(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not in PATH; cannot list this package's dependencies")
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(t.Context(), gobin, "list", "-deps", ".")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, stderr.String())
	}
	deps := strings.Fields(string(out))
	const self = "github.com/regcred/regcred/providers/ocivault/ocivaultconfig"
	if !slices.Contains(deps, self) {
		t.Fatalf("go list -deps did not list %s itself; got %v", self, deps)
	}
	if bad := heavy(deps); len(bad) > 0 {
		t.Errorf("%s links %s; the front binary links this package and must not pay for those", self, strings.Join(bad, ", "))
	}
}
