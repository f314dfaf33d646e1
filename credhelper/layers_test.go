package credhelper

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/regcred/regcred"

// TestImportsPointDown holds the layering of docs/architecture.md: a
// package under credhelper/ never imports the engine (credhelper) back —
// the app hands its command packages what they need; a backend never
// imports credhelper at all; matcher imports nothing of regcred's.
func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	require.NoError(t, err, "go list")
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := fields[0], fields[1:]
		for _, imp := range imports {
			rule := importRule(pkg, imp)
			assert.Equal(t, "", rule, "%s imports %s: %s", pkg, imp, rule)
		}
		checked++
	}
	require.GreaterOrEqual(t, checked, 20, "go list named only %d packages; the test proves nothing", checked)
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
			got := importRule(tt.pkg, tt.imp) != ""
			assert.Equal(t, tt.broken, got, "importRule(%s, %s) broken = %v, want %v", tt.pkg, tt.imp, got, tt.broken)
		})
	}
}
