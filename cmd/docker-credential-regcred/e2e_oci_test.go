package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/regcred/regcred/providers/oci/ocitest"
)

// ociE2E is a fake OCI Secrets service and an OCI config file whose API
// key it trusts; the fake verifies every request's signature.
type ociE2E struct {
	keys    *ocitest.Keys
	key     *ocitest.APIKey
	secrets *ocitest.Secrets
	config  string
}

// The seed scenario's secrets (OCI Container Instances' image pull
// secrets): one per path, each a different robot.
const (
	seedABC = "ocid1.vaultsecret.oc1.iad.amaaaaaaseedabc"
	seedOne = "ocid1.vaultsecret.oc1.iad.amaaaaaaseedone"
	seedTwo = "ocid1.vaultsecret.oc1.iad.amaaaaaaseedtwo"
)

func newOCIE2E(t *testing.T) *ociE2E {
	t.Helper()
	store := ocitest.NewKeys()
	key, err := ocitest.NewAPIKey(store)
	must(t, err)
	cfg, err := key.WriteConfig(t.TempDir(), ocitest.Profile{Region: "us-ashburn-1"})
	must(t, err)
	return &ociE2E{
		keys:    store,
		key:     key,
		secrets: ocitest.NewSecrets(t, &ocitest.Verifier{Keys: store}),
		config:  cfg,
	}
}

func (e *ociE2E) put(id, user, pass string) {
	e.secrets.Put(ocitest.Secret{ID: id, Versions: []ocitest.Version{
		{Number: 1, Stages: []string{"CURRENT"}, Content: ocitest.PullSecret(user, pass)},
	}})
}

// seedConfig is the seed's three entries, in config order, each reading
// its secret from the fake with the API key.
func (e *ociE2E) seedConfig(t *testing.T) string {
	var b strings.Builder
	b.WriteString("registries:\n")
	for _, entry := range [][2]string{
		{"example.registry.io/abc", seedABC},
		{"example.registry.io/abc/one", seedOne},
		{"example.registry.io/abc/two", seedTwo},
	} {
		fmt.Fprintf(&b, "  - match: %q\n    ocivault:\n      secretId: %s\n      configFile: %q\n      endpoint: %q\n",
			entry[0], entry[1], e.config, e.secrets.URL)
	}
	return writeConfig(t, b.String())
}

// seedUser is the robot each seed secret holds: robot-abc, robot-one …
func seedUser(id string) string {
	return "robot-" + strings.TrimPrefix(id, "ocid1.vaultsecret.oc1.iad.amaaaaaaseed")
}

// served returns the secret OCIDs the fake was asked for, in order.
func (e *ociE2E) served() []string {
	var ids []string
	for _, c := range e.secrets.Calls() {
		ids = append(ids, c.Secret)
	}
	return ids
}

// TestOCIVaultSeedScenarioThroughBinary: entries example.registry.io/abc,
// …/abc/one and …/abc/two; the image …/abc/one:latest is served by
// …/abc/one first, then by …/abc when one's secret is missing, and never
// by …/abc/two.
func TestOCIVaultSeedScenarioThroughBinary(t *testing.T) {
	bin := testBinary(t)
	tests := []struct {
		name       string
		stdin      string
		secrets    map[string]string // OCID → password (see seedUser)
		wantExit   int
		wantUser   string
		wantSecret string
		wantAsked  []string
		wantOut    []string // on stdout, when get fails
	}{
		{name: "most specific entry first", stdin: "example.registry.io/abc/one:latest",
			secrets:  map[string]string{seedABC: "pw-abc", seedOne: "pw-one", seedTwo: "pw-two"},
			wantUser: "robot-one", wantSecret: "pw-one", wantAsked: []string{seedOne}},
		{name: "missing secret falls back to the parent path", stdin: "example.registry.io/abc/one:latest",
			secrets:  map[string]string{seedABC: "pw-abc", seedTwo: "pw-two"},
			wantUser: "robot-abc", wantSecret: "pw-abc", wantAsked: []string{seedOne, seedABC}},
		{name: "sibling path", stdin: "example.registry.io/abc/two@sha256:" + strings.Repeat("a", 64),
			secrets:  map[string]string{seedABC: "pw-abc", seedOne: "pw-one", seedTwo: "pw-two"},
			wantUser: "robot-two", wantSecret: "pw-two", wantAsked: []string{seedTwo}},
		{name: "prefix at path boundaries only", stdin: "example.registry.io/abcdef/one:latest",
			secrets:  map[string]string{seedABC: "pw-abc", seedOne: "pw-one", seedTwo: "pw-two"},
			wantExit: 1, wantAsked: nil, wantOut: []string{"credentials not found in native keychain"}},
		{name: "every match fails", stdin: "example.registry.io/abc/one:latest",
			secrets:  map[string]string{seedTwo: "pw-two"},
			wantExit: 1, wantAsked: []string{seedOne, seedABC}, wantOut: []string{seedOne, seedABC, "NotAuthorizedOrNotFound"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newOCIE2E(t)
			for id, pw := range tc.secrets {
				e.put(id, seedUser(id), pw)
			}
			res := runBinary(t, bin, runOpts{Env: []string{"REGCRED_CONFIG=" + e.seedConfig(t), "REGCRED_LOG=debug"}, Stdin: tc.stdin}, "get")
			if res.Exit != tc.wantExit {
				t.Fatalf("exit %d, want %d; stdout %q; stderr %s", res.Exit, tc.wantExit, res.Stdout, res.Stderr)
			}
			if asked := e.served(); !slices.Equal(asked, tc.wantAsked) {
				t.Errorf("secrets asked for %v, want %v", asked, tc.wantAsked)
			}
			if r := e.secrets.Rejected(); len(r) != 0 {
				t.Errorf("the fake refused signatures: %v", r)
			}
			for _, pw := range tc.secrets {
				if strings.Contains(res.Stderr, pw) {
					t.Errorf("stderr holds a password:\n%s", res.Stderr)
				}
			}
			for _, want := range tc.wantOut {
				if !strings.Contains(res.Stdout, want) {
					t.Errorf("stdout %q does not say %q", res.Stdout, want)
				}
			}
			if tc.wantExit != 0 {
				return
			}
			var got struct{ ServerURL, Username, Secret string }
			must(t, json.Unmarshal([]byte(res.Stdout), &got))
			if got.Username != tc.wantUser || got.Secret != tc.wantSecret || got.ServerURL != tc.stdin {
				t.Errorf("get = %s / %s, want %s / %s", got.Username, got.ServerURL, tc.wantUser, tc.stdin)
			}
		})
	}
}

// TestOCIVaultKubeletSeedScenario: in kubelet mode every matching entry
// that yields a credential is answered, keyed by its pattern, so the
// kubelet can try …/abc/one's credential and then …/abc's.
func TestOCIVaultKubeletSeedScenario(t *testing.T) {
	e := newOCIE2E(t)
	e.put(seedABC, seedUser(seedABC), "pw-abc")
	e.put(seedOne, seedUser(seedOne), "pw-one")
	e.put(seedTwo, seedUser(seedTwo), "pw-two")
	req := `{"apiVersion":"credentialprovider.kubelet.k8s.io/v1","kind":"CredentialProviderRequest","image":"example.registry.io/abc/one"}`
	res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + e.seedConfig(t)}, Stdin: req}, "kubelet")
	if res.Exit != 0 {
		t.Fatalf("exit %d; stdout %q; stderr %s", res.Exit, res.Stdout, res.Stderr)
	}
	var got struct {
		CacheKeyType string
		Auth         map[string]struct{ Username, Password string }
	}
	must(t, json.Unmarshal([]byte(res.Stdout), &got))
	want := map[string]string{"example.registry.io/abc/one": "pw-one", "example.registry.io/abc": "pw-abc"}
	if len(got.Auth) != len(want) || got.CacheKeyType != "Image" {
		t.Fatalf("answer %s, want exactly the keys of %v with cacheKeyType Image", res.Stdout, want)
	}
	for pattern, pw := range want {
		if got.Auth[pattern].Password != pw {
			t.Errorf("auth[%s] = %+v, want password %s", pattern, got.Auth[pattern], pw)
		}
	}
}

// TestOCIRThroughBinary: an ocir entry signs the token request with the
// API key and answers BEARER_TOKEN with the token the registry issued.
func TestOCIRThroughBinary(t *testing.T) {
	e := newOCIE2E(t)
	iss, err := ocitest.NewIssuer(nil)
	must(t, err)
	registry := ocitest.NewOCIR(t, &ocitest.Verifier{Keys: e.keys}, iss)
	// The second entry is a mistake the backend must catch: an ocir
	// entry matching a host that is not OCIR's.
	block := fmt.Sprintf("    ocir: {configFile: %q, endpoint: %q}\n", e.config, registry.URL)
	cfg := writeConfig(t, "registries:\n  - match: \"*.ocir.io\"\n"+block+"  - match: registry.example.com\n"+block)
	tests := []struct {
		name     string
		stdin    string
		wantExit int
	}{
		{name: "registry host", stdin: "iad.ocir.io"},
		{name: "image", stdin: "fra.ocir.io/tenancy-ns/app:1.0"},
		{name: "entry on a host that is not OCIR", stdin: "registry.example.com", wantExit: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			issued := registry.Issued()
			res := runBinary(t, testBinary(t), runOpts{Env: []string{"REGCRED_CONFIG=" + cfg, "REGCRED_LOG=debug"}, Stdin: tc.stdin}, "get")
			if res.Exit != tc.wantExit {
				t.Fatalf("exit %d, want %d; stdout %q; stderr %s", res.Exit, tc.wantExit, res.Stdout, res.Stderr)
			}
			if tc.wantExit != 0 {
				if !strings.Contains(res.Stdout, "not an OCI Registry host") || len(registry.Rejected()) != 0 || registry.Issued() != issued {
					t.Errorf("stdout %q should refuse the host, and nothing should reach the registry", res.Stdout)
				}
				return
			}
			var got struct{ ServerURL, Username, Secret string }
			must(t, json.Unmarshal([]byte(res.Stdout), &got))
			if to, ok := registry.IssuedTo(got.Secret); got.Username != "BEARER_TOKEN" || !ok || to != e.key.KeyID() {
				t.Errorf("get = %s / (token issued to %q), want BEARER_TOKEN and a token issued to the API key", got.Username, to)
			}
			if strings.Contains(res.Stderr, got.Secret) {
				t.Error("stderr holds the token")
			}
		})
	}
}

// TestOCIPrincipalsThroughBinary: the binary reads a secret as an
// instance principal (fake metadata service and federation endpoint) and
// as a resource principal (its variables), with no config file at all.
func TestOCIPrincipalsThroughBinary(t *testing.T) {
	e := newOCIE2E(t)
	e.put(seedABC, "robot-abc", "pw-principal")
	iss, err := ocitest.NewIssuer(nil)
	must(t, err)
	instance, err := ocitest.NewInstanceIdentity("iad")
	must(t, err)
	md := ocitest.NewMetadata(t, instance)
	fed := ocitest.NewFederation(t, e.keys, iss, instance)
	rp, err := ocitest.ResourcePrincipal(e.keys, iss, "us-ashburn-1")
	must(t, err)
	var rpEnv []string
	for k, v := range rp {
		rpEnv = append(rpEnv, k+"="+v)
	}
	tests := []struct {
		name string
		auth string
		env  []string
	}{
		{name: "instance principal", auth: "instance_principal",
			env: []string{"OCI_METADATA_BASE_URL=" + md.BaseURL, "OCI_SDK_AUTH_CLIENT_REGION_URL=" + fed.URL}},
		{name: "resource principal", auth: "resource_principal", env: rpEnv},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := writeConfig(t, fmt.Sprintf("registries:\n  - match: example.registry.io/abc\n    ocivault: {secretId: %s, auth: %s, endpoint: %q}\n", seedABC, tc.auth, e.secrets.URL))
			res := runBinary(t, testBinary(t), runOpts{Env: append([]string{"REGCRED_CONFIG=" + cfg, "REGCRED_LOG=debug"}, tc.env...), Stdin: "example.registry.io/abc/app:1"}, "get")
			if res.Exit != 0 {
				t.Fatalf("exit %d; stdout %q; stderr %s", res.Exit, res.Stdout, res.Stderr)
			}
			var got struct{ Username, Secret string }
			must(t, json.Unmarshal([]byte(res.Stdout), &got))
			calls := e.secrets.Calls()
			if got.Secret != "pw-principal" || len(calls) == 0 || !strings.HasPrefix(calls[len(calls)-1].KeyID, "ST$") {
				t.Errorf("get = %s; the last read was not signed with a session token", got.Username)
			}
			if strings.Contains(res.Stderr, "pw-principal") {
				t.Error("stderr holds the password")
			}
		})
	}
}
