package credhelper

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/regcred/regcred"

// TestImportsPointDown holds the layering of docs/architecture.md: a
// package under credhelper/ never imports the engine (credhelper) back —
// the app hands its command packages what they need; a backend never
// imports credhelper at all; matcher imports nothing of regcred's.
func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		for _, imp := range imports {
			if rule := importRule(pkg, imp); rule != "" {
				t.Errorf("%s imports %s: %s", pkg, imp, rule)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("go list named only %d packages; the test proves nothing", checked)
	}
}

// importRule is the layering rule pkg importing imp breaks, or "".
func importRule(pkg, imp string) string {
	ours := func(p string) bool { return p == module || strings.HasPrefix(p, module+"/") }
	switch {
	case !ours(imp) || strings.HasPrefix(pkg, module+"/cmd/"):
		return ""
	case pkg == module+"/matcher":
		return "matcher imports nothing of regcred's"
	case strings.HasPrefix(pkg, module+"/providers") && strings.HasPrefix(imp, module+"/credhelper"):
		return "a backend never imports the engine's packages"
	case strings.HasPrefix(pkg, module+"/credhelper/") && imp == module+"/credhelper":
		return "a command package is handed what it needs; it never imports the engine back"
	}
	return ""
}

func TestImportRule(t *testing.T) {
	tests := []struct {
		name, pkg, imp string
		broken         bool
	}{
		{name: "engine imports a command package", pkg: module + "/credhelper", imp: module + "/credhelper/clientsetup"},
		{name: "command package imports the engine", pkg: module + "/credhelper/clientsetup", imp: module + "/credhelper", broken: true},
		{name: "backend imports the cache", pkg: module + "/providers/vault", imp: module + "/credhelper/cache", broken: true},
		{name: "backend imports providers", pkg: module + "/providers/vault", imp: module + "/providers"},
		{name: "matcher imports providers", pkg: module + "/matcher", imp: module + "/providers", broken: true},
		{name: "matcher imports the standard library", pkg: module + "/matcher", imp: "strings"},
		{name: "main imports the engine", pkg: module + "/cmd/regcred-engine", imp: module + "/credhelper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := importRule(tt.pkg, tt.imp) != ""; got != tt.broken {
				t.Errorf("importRule(%s, %s) broken = %v, want %v", tt.pkg, tt.imp, got, tt.broken)
			}
		})
	}
}

// TestOnlyTheControllerLinksKubernetes holds what the third executable is
// for: the front and the engine never link client-go, apimachinery or
// controller-runtime (their start-up would pay for them on every call).
func TestOnlyTheControllerLinksKubernetes(t *testing.T) {
	heavy := []string{"k8s.io/client-go/", "k8s.io/apimachinery/", "k8s.io/api/", "sigs.k8s.io/controller-runtime"}
	deps := func(cmd string) []string {
		out, err := exec.Command("go", "list", "-deps", module+"/cmd/"+cmd).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", cmd, err)
		}
		return strings.Fields(string(out))
	}
	links := func(pkgs []string) []string {
		var found []string
		for _, p := range pkgs {
			for _, h := range heavy {
				if strings.HasPrefix(p, h) {
					found = append(found, p)
				}
			}
		}
		return found
	}
	for _, cmd := range []string{"docker-credential-regcred", "regcred-engine"} {
		if found := links(deps(cmd)); len(found) > 0 {
			t.Errorf("%s links %d Kubernetes packages, e.g. %s", cmd, len(found), found[0])
		}
	}
	// The check can fail: the controller does link them.
	if len(links(deps("regcred-controller"))) == 0 {
		t.Error("regcred-controller links no client-go: the check above proves nothing")
	}
}
