package gcrconfig

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const selfPath = "github.com/regcred/regcred/providers/gcr/gcrconfig"

// heavyPrefixes are the import paths the front binary must not link: their
// package initialisation is what a warm `get` cannot afford.
func heavyPrefixes() []string {
	return []string{"net/http", "crypto/tls", "github.com/aws", "github.com/oracle",
		"golang.org/x/oauth2", "cloud.google.com", "github.com/zalando", "github.com/godbus"}
}

// heavyDeps returns the deps that start with a heavy prefix.
func heavyDeps(deps []string) []string {
	var out []string
	for _, d := range deps {
		for _, p := range heavyPrefixes() {
			if strings.HasPrefix(d, p) {
				out = append(out, d)
				break
			}
		}
	}
	return out
}

func TestHeavyDeps(t *testing.T) {
	tests := []struct {
		name string
		deps []string
		want int
	}{
		{name: "light", deps: []string{"fmt", "net", "net/url", "regexp", "github.com/regcred/regcred/providers"}, want: 0},
		{name: "net/http", deps: []string{"fmt", "net/http"}, want: 1},
		{name: "net/http subpackage", deps: []string{"net/http/httptrace"}, want: 1},
		{name: "tls", deps: []string{"crypto/tls"}, want: 1},
		{name: "sdks", deps: []string{"github.com/aws/smithy-go", "github.com/aws/aws-sdk-go-v2/aws", "golang.org/x/oauth2/google",
			"github.com/oracle/oci-go-sdk/v65/common", "cloud.google.com/go/compute/metadata", "github.com/zalando/go-keyring", "github.com/godbus/dbus/v5"}, want: 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := heavyDeps(tt.deps); len(got) != tt.want {
				t.Errorf("heavyDeps(%v) = %v, want %d of them", tt.deps, got, tt.want)
			}
		})
	}
}

// TestImportsStayLight keeps the SDKs and net/http out of this package's
// imports, so the front binary that links it stays fast to start.
func TestImportsStayLight(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not in PATH:", err)
	}
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-deps", ".").Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		t.Fatalf("go list -deps: %v\n%s", err, ee.Stderr)
	} else if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, selfPath) {
		t.Fatalf("go list -deps does not list %s itself; the check would prove nothing:\n%s", selfPath, out)
	}
	for _, d := range heavyDeps(deps) {
		t.Errorf("this package links %s; the front binary must not (move what needs it to the backend package)", d)
	}
}
