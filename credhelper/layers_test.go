package credhelper

import (
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/regcred/regcred"

// The layers of docs/architecture.md, top down. Every package of the
// module is in exactly one (layerOf), so a new package fails
// TestImportsPointDown until it is placed.
const (
	layerRoot       = "the module root (tests of the set-up scripts)"
	layerFrontMain  = "the front's main"
	layerEngineMain = "the engine's main"
	layerCtrlMain   = "the controller's main"
	layerFetchMain  = "the lean fetcher's main"
	layerFetch      = "the lean fetcher (credhelper/fetch)"
	layerController = "the controller (controller/)"
	layerFront      = "the front"
	layerEngine     = "the engine"
	layerConcern    = "an engine concern (credhelper/<concern>)"
	layerBackend    = "a backend or its shared parts (providers/<kind>, …)"
	layerProviders  = "the backend interface (providers)"
	layerMatcher    = "matcher"
	layerShared     = "code the front and the engine share (internal/logwatch, providers/static/staticread)"
	layerTestOnly   = "test-only code (internal/…, providers/…/<kind>test)"
)

// mayImport is what each layer may import of the module. Only test code
// imports test-only code; nothing but the front's main imports the front;
// the engine's packages never import it back.
func mayImport() map[string][]string {
	return map[string][]string{
		layerRoot:       nil,
		layerFrontMain:  {layerFront},
		layerEngineMain: {layerEngine},
		layerCtrlMain:   {layerController},
		layerFetchMain:  {layerFetch},
		layerFetch:      {layerFront, layerConcern, layerBackend, layerProviders, layerMatcher, layerShared},
		layerController: {layerEngine, layerConcern, layerBackend, layerProviders, layerMatcher, layerShared},
		layerFront:      {layerConcern, layerProviders, layerMatcher, layerShared},
		layerEngine:     {layerConcern, layerBackend, layerProviders, layerMatcher, layerShared},
		layerConcern:    {layerConcern, layerBackend, layerProviders, layerMatcher, layerShared},
		layerBackend:    {layerBackend, layerProviders, layerMatcher, layerShared},
		layerProviders:  nil,
		layerMatcher:    nil,
		layerShared:     {layerProviders, layerMatcher},
		layerTestOnly:   {layerTestOnly, layerBackend, layerProviders, layerMatcher},
	}
}

// exactLayers are the packages placed by name; the rest by prefix.
func exactLayers() map[string]string {
	return map[string]string{
		"":                              layerRoot,
		"cmd/docker-credential-regcred": layerFrontMain,
		"cmd/regcred-engine":            layerEngineMain,
		"credhelper/front":              layerFront,
		"credhelper":                    layerEngine,
		"providers":                     layerProviders,
		"matcher":                       layerMatcher,
		"internal/logwatch":             layerShared,
		"providers/static/staticread":   layerShared,
		"cmd/regcred-controller":        layerCtrlMain,
		"controller":                    layerController,
		"cmd/regcred-fetch":             layerFetchMain,
		"credhelper/fetch":              layerFetch,
	}
}

// layerOf places pkg; "" for a package no layer holds.
func layerOf(pkg string) string {
	if pkg != module && !strings.HasPrefix(pkg, module+"/") {
		return ""
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, module), "/")
	if l, ok := exactLayers()[rel]; ok {
		return l
	}
	last := rel[strings.LastIndex(rel, "/")+1:]
	switch {
	case strings.HasPrefix(rel, "credhelper/"):
		return layerConcern
	case strings.HasPrefix(rel, "providers/") && strings.HasSuffix(last, "test"):
		return layerTestOnly // a backend's fake service
	case strings.HasPrefix(rel, "providers/"):
		return layerBackend
	case strings.HasPrefix(rel, "internal/"):
		return layerTestOnly
	}
	return ""
}

// importRule is the rule pkg importing imp (both the module's) breaks, or "".
func importRule(pkg, imp string) string {
	from, to := layerOf(pkg), layerOf(imp)
	switch {
	case from == "":
		return pkg + " is in no layer: place it in layerOf and docs/architecture.md"
	case to == "":
		return imp + " is in no layer: place it in layerOf and docs/architecture.md"
	case !slices.Contains(mayImport()[from], to):
		return from + " may not import " + to
	}
	return ""
}

// TestImportsPointDown holds the layering of docs/architecture.md over
// every package's non-test imports, as `go list` reports them.
func TestImportsPointDown(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", module+"/...").Output()
	require.NoError(t, err, "go list")
	var pkgs []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		pkgs = append(pkgs, pkg)
		assert.NotEmpty(t, layerOf(pkg), "%s is in no layer: place it in layerOf and docs/architecture.md", pkg)
		for _, imp := range fields[1:] {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			assert.Empty(t, importRule(pkg, imp), "%s imports %s", pkg, imp)
		}
	}
	// The list must hold the packages whose imports the rules are about,
	// or the test proves nothing.
	for _, want := range []string{"cmd/regcred-engine", "credhelper", "credhelper/front", "credhelper/config", "providers", "providers/vault", "matcher", "internal/testkit"} {
		assert.Contains(t, pkgs, module+"/"+want, "go list did not name it")
	}
}

func TestImportRule(t *testing.T) {
	tests := []struct {
		name, pkg, imp string
		broken         bool
	}{
		{name: "engine imports a concern", pkg: "credhelper", imp: "credhelper/clientsetup"},
		{name: "concern imports a concern", pkg: "credhelper/check", imp: "credhelper/verify"},
		{name: "concern imports the engine", pkg: "credhelper/clientsetup", imp: "credhelper", broken: true},
		{name: "concern imports the front", pkg: "credhelper/route", imp: "credhelper/front", broken: true},
		{name: "engine imports the front", pkg: "credhelper", imp: "credhelper/front", broken: true},
		{name: "front imports the engine", pkg: "credhelper/front", imp: "credhelper", broken: true},
		{name: "front imports a concern", pkg: "credhelper/front", imp: "credhelper/route"},
		{name: "front imports a backend", pkg: "credhelper/front", imp: "providers/vault", broken: true},
		{name: "front imports the shared log watch", pkg: "credhelper/front", imp: "internal/logwatch"},
		{name: "backend imports the cache", pkg: "providers/vault", imp: "credhelper/cache", broken: true},
		{name: "backend imports providers", pkg: "providers/vault", imp: "providers"},
		{name: "backend imports shared backend parts", pkg: "providers/ocir", imp: "providers/oci/ociauth"},
		{name: "backend imports its fake", pkg: "providers/ecr", imp: "providers/ecr/ecrtest", broken: true},
		{name: "concern imports test helpers", pkg: "credhelper/verify", imp: "internal/testkit", broken: true},
		{name: "providers imports a backend", pkg: "providers", imp: "providers/netdeps", broken: true},
		{name: "matcher imports providers", pkg: "matcher", imp: "providers", broken: true},
		{name: "test helper imports test helper", pkg: "internal/testkit", imp: "internal/syncbuf"},
		{name: "engine's main imports the engine", pkg: "cmd/regcred-engine", imp: "credhelper"},
		{name: "front's main imports the engine", pkg: "cmd/docker-credential-regcred", imp: "credhelper", broken: true},
		{name: "fetcher imports the front", pkg: "credhelper/fetch", imp: "credhelper/front"},
		{name: "fetcher imports a backend's lean part", pkg: "credhelper/fetch", imp: "providers/ecr/ecrlean"},
		{name: "fetcher imports the engine", pkg: "credhelper/fetch", imp: "credhelper", broken: true},
		{name: "front imports the fetcher", pkg: "credhelper/front", imp: "credhelper/fetch", broken: true},
		{name: "engine imports the fetcher", pkg: "credhelper", imp: "credhelper/fetch", broken: true},
		{name: "fetcher's main imports the front", pkg: "cmd/regcred-fetch", imp: "credhelper/front", broken: true},
		{name: "unplaced package", pkg: "tools/gen", imp: "matcher", broken: true},
		{name: "unplaced command", pkg: "cmd/regcred-admin", imp: "credhelper", broken: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule := importRule(module+"/"+tt.pkg, module+"/"+tt.imp)
			assert.Equal(t, tt.broken, rule != "", "importRule = %q", rule)
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
		require.NoError(t, err, "go list -deps %s", cmd)
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
		assert.Empty(t, links(deps(cmd)), "%s links Kubernetes packages", cmd)
	}
	// The check can fail: the controller does link them.
	assert.NotEmpty(t, links(deps("regcred-controller")), "regcred-controller links no client-go: the check above proves nothing")
}
