package vaultconfig_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoHeavyImports keeps this package light: the front binary links it,
// and every package linked runs its inits at each start.
func TestNoHeavyImports(t *testing.T) {
	forbidden := []string{ // prefixes, as `go list -deps | grep -E '^(…)'`
		"net/http", "crypto/tls", "github.com/aws", "github.com/oracle", "golang.org/x/oauth2",
		"cloud.google.com", "github.com/zalando", "github.com/godbus",
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not in PATH")
	}
	out, err := exec.CommandContext(t.Context(), goBin, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list -deps listed nothing")
	}
	for _, dep := range deps {
		if dep == "net" {
			t.Errorf("vaultconfig links net, which brings cgo and the resolver; use net/netip")
		}
		for _, prefix := range forbidden {
			if strings.HasPrefix(dep, prefix) {
				t.Errorf("vaultconfig links %s (forbidden: %s*)", dep, prefix)
			}
		}
	}
}
