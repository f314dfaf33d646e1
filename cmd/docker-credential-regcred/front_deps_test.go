package main

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The front exists to start fast: every package it links runs its
// initialisation on every `get`. What the engine alone may link — the
// network stack, TLS, the cloud SDKs, the keyring and D-Bus — must never
// creep into it through an import. Nor may the config: the front answers
// from routes the engine recorded, and parses no YAML and knows no
// backend's settings.

const module = "github.com/regcred/regcred"

// forbiddenInFront returns the rule pkg breaks, or "". Prefixes match at
// a path boundary; net and os/user are forbidden themselves, not their
// children (net/url and net/netip are cheap; os/user may start cgo
// lookups).
func forbiddenInFront(pkg string) string {
	if pkg == "net" || pkg == "os/user" {
		return pkg
	}
	for _, p := range []string{
		"net/http", "crypto/tls", "crypto/x509",
		"github.com/aws", "github.com/oracle", "golang.org/x/oauth2", "cloud.google.com",
		"github.com/zalando", "github.com/godbus",
		module + "/credhelper/config",
	} {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return p
		}
	}
	if pkg == module+"/credhelper" {
		return "the engine"
	}
	if pkg == staticReader {
		return "" // static's sources, read by the front as by the engine; it links no YAML, no network
	}
	if strings.HasPrefix(pkg, module+"/providers/") {
		return "a backend or its config (" + module + "/providers/*)"
	}
	for _, el := range strings.Split(pkg, "/") {
		if strings.HasPrefix(el, "yaml") || strings.Contains(el, ".yaml.") {
			return "a YAML parser"
		}
	}
	return ""
}

// staticReader is the one package under providers/ the front may link: the
// reading of static sources it shares with the static backend. What it
// links in turn is held by TestFrontDeps like everything else.
const staticReader = module + "/providers/static/staticread"

func TestFrontDepsForbiddenRule(t *testing.T) {
	const backends = "a backend or its config (" + module + "/providers/*)"
	tests := []struct {
		name, pkg, rule string
	}{
		{"net/http itself", "net/http", "net/http"},
		{"under net/http", "net/http/httptrace", "net/http"},
		{"a name net/http only prefixes", "net/httpx", ""},
		{"net itself", "net", "net"},
		{"net/url is cheap", "net/url", ""},
		{"net/netip is cheap", "net/netip", ""},
		{"os/user", "os/user", "os/user"},
		{"os", "os", ""},
		{"crypto/tls", "crypto/tls", "crypto/tls"},
		{"under crypto/x509", "crypto/x509/pkix", "crypto/x509"},
		{"crypto/sha256", "crypto/sha256", ""},
		{"the AWS SDK", "github.com/aws/aws-sdk-go-v2/service/ecr", "github.com/aws"},
		{"smithy", "github.com/aws/smithy-go", "github.com/aws"},
		{"an owner github.com/aws only prefixes", "github.com/awslabs/tool", ""},
		{"the OCI SDK", "github.com/oracle/oci-go-sdk/v65/common", "github.com/oracle"},
		{"oauth2", "golang.org/x/oauth2/google", "golang.org/x/oauth2"},
		{"x/sys", "golang.org/x/sys/unix", ""},
		{"Google Cloud", "cloud.google.com/go/compute/metadata", "cloud.google.com"},
		{"go-keyring", "github.com/zalando/go-keyring", "github.com/zalando"},
		{"godbus", "github.com/godbus/dbus/v5", "github.com/godbus"},
		{"go.yaml.in/yaml", "go.yaml.in/yaml/v3", "a YAML parser"},
		{"gopkg.in/yaml", "gopkg.in/yaml.v3", "a YAML parser"},
		{"sigs.k8s.io/yaml", "sigs.k8s.io/yaml", "a YAML parser"},
		{"our own config", module + "/credhelper/config", module + "/credhelper/config"},
		{"the config file lookup", module + "/credhelper/configpath", ""},
		{"the routes", module + "/credhelper/route", ""},
		{"the cache", module + "/credhelper/cache", ""},
		{"the engine", module + "/credhelper", "the engine"},
		{"the provider contract", module + "/providers", ""},
		{"static", module + "/providers/static", backends},
		{"static's reader, shared with the front", staticReader, ""},
		{"a name static's reader only prefixes", staticReader + "x", backends},
		{"anonymous", module + "/providers/anonymous", backends},
		{"a part the OCI backends share", module + "/providers/oci/ociauth", backends},
		{"a backend", module + "/providers/ecr", backends},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := forbiddenInFront(tt.pkg)
			assert.Equal(t, tt.rule, got, "forbiddenInFront(%q) = %q, want %q", tt.pkg, got, tt.rule)
		})
	}
}

// TestFrontDeps lists what the front command links, for each OS the
// front's files differ on (handoff_unix.go, handoff_other.go), and names
// the import chain that brings in anything forbidden.
func TestFrontDeps(t *testing.T) {
	checkDeps(t, ".", module+"/cmd/docker-credential-regcred", forbiddenInFront)
}

// TestFetcherDeps holds the lean fetcher to what it is for: it may link
// the network stack and the SDK's request signer, never an SDK client,
// the config, YAML, the keyring or another backend (its start-up is the
// cold path's cost).
func TestFetcherDeps(t *testing.T) {
	checkDeps(t, "../regcred-fetch", module+"/cmd/regcred-fetch", forbiddenInFetcher)
}

// forbiddenInFetcher is forbiddenInFront less the network stack and the
// signer, plus every SDK client and credential chain.
func forbiddenInFetcher(pkg string) string {
	for _, p := range []string{
		"github.com/aws/aws-sdk-go-v2/service", "github.com/aws/aws-sdk-go-v2/config",
		"github.com/aws/aws-sdk-go-v2/credentials", "github.com/aws/aws-sdk-go-v2/feature",
		"github.com/Azure", "github.com/AzureAD", "k8s.io", "sigs.k8s.io",
	} {
		if pkg == p || strings.HasPrefix(pkg, p+"/") {
			return p
		}
	}
	if pkg == module+"/providers/ecr/ecrlean" || pkg == module+"/providers/netdeps" {
		return "" // the lean ECR call, and the HTTP client every backend uses
	}
	switch rule := forbiddenInFront(pkg); rule {
	case "net", "net/http", "crypto/tls", "crypto/x509", "github.com/aws":
		return "" // the network stack, and the signer (aws, smithy-go) the rules above leave
	default:
		return rule
	}
}

func TestFetcherDepsForbiddenRule(t *testing.T) {
	tests := []struct {
		name, pkg string
		forbidden bool
	}{
		{"net/http", "net/http", false},
		{"the SDK's signer", "github.com/aws/aws-sdk-go-v2/aws/signer/v4", false},
		{"smithy", "github.com/aws/smithy-go", false},
		{"the lean ECR call", module + "/providers/ecr/ecrlean", false},
		{"the route", module + "/credhelper/route", false},
		{"the ECR client", "github.com/aws/aws-sdk-go-v2/service/ecr", true},
		{"the credential chain", "github.com/aws/aws-sdk-go-v2/config", true},
		{"the ecr backend", module + "/providers/ecr", true},
		{"the config", module + "/credhelper/config", true},
		{"the engine", module + "/credhelper", true},
		{"godbus", "github.com/godbus/dbus/v5", true},
		{"YAML", "go.yaml.in/yaml/v3", true},
		{"client-go", "k8s.io/client-go/kubernetes", true},
		{"Azure", "github.com/Azure/azure-sdk-for-go/sdk/azcore", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.forbidden, forbiddenInFetcher(tt.pkg) != "", "forbiddenInFetcher(%q) = %q", tt.pkg, forbiddenInFetcher(tt.pkg))
		})
	}
}

// checkDeps lists what the command in dir links, for each OS whose files
// differ, and names the import chain that brings in anything forbidden.
func checkDeps(t *testing.T, dir, self string, forbidden func(string) string) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not in PATH")
	}
	for _, goos := range []string{"linux", "darwin", "windows"} {
		t.Run(goos, func(t *testing.T) {
			cmd := exec.Command(goBin, "list", "-deps", "-f", "{{.ImportPath}}:{{join .Imports \" \"}}", dir)
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64")
			out, err := cmd.Output()
			var stderr []byte
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				stderr = ee.Stderr
			}
			require.NoError(t, err, "go list -deps: %s", stderr)
			imports := map[string][]string{}
			var pkgs []string
			for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				pkg, deps, _ := strings.Cut(line, ":")
				pkgs = append(pkgs, pkg)
				imports[pkg] = strings.Fields(deps)
			}
			_, ok := imports[self]
			require.True(t, ok, "go list -deps does not list %s itself, so it checked nothing:\n%s", self, out)
			for _, p := range pkgs {
				rule := forbidden(p)
				if rule != "" {
					assert.True(t, toleratedOn(goos, p), "%s links %s (forbidden: %s), through %s; only regcred-engine may", self, p, rule, strings.Join(importChain(imports, self, p), " → "))
				}
			}
		})
	}
}

// toleratedOn is the one known exception: on Windows the cache's file lock
// (gofrs/flock) goes through golang.org/x/sys/windows, which imports net.
// The front takes no lock, but the file store it reads is built with its
// locker; the benchmarks run on Linux, where this does not arise.
func toleratedOn(goos, pkg string) bool {
	return goos == "windows" && pkg == "net"
}

// importChain is a shortest chain of imports from one package to another.
func importChain(imports map[string][]string, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			var chain []string
			for ; p != ""; p = prev[p] {
				chain = append([]string{p}, chain...)
			}
			return chain
		}
		for _, q := range imports[p] {
			if _, seen := prev[q]; !seen {
				prev[q] = p
				queue = append(queue, q)
			}
		}
	}
	return []string{from, "?", to}
}
