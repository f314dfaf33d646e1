package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	require.NoError(t, err)
	cfg, err := key.WriteConfig(t.TempDir(), ocitest.Profile{Region: "us-ashburn-1"})
	require.NoError(t, err)
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
			require.Equal(t, tc.wantExit, res.Exit, "exit %d, want %d; stdout %q; stderr %s", res.Exit, tc.wantExit, res.Stdout, res.Stderr)
			asked := e.served()
			assert.True(t, slices.Equal(asked, tc.wantAsked), "secrets asked for %v, want %v", asked, tc.wantAsked)
			r := e.secrets.Rejected()
			assert.Empty(t, r, "the fake refused signatures: %v", r)
			for _, pw := range tc.secrets {
				assert.NotContains(t, res.Stderr, pw, "stderr holds a password")
			}
			for _, want := range tc.wantOut {
				assert.Contains(t, res.Stdout, want, "stdout %q does not say %q", res.Stdout, want)
			}
			if tc.wantExit != 0 {
				return
			}
			var got struct{ ServerURL, Username, Secret string }
			require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got))
			assert.Equal(t, tc.wantUser, got.Username, "get = %s / %s, want %s / %s", got.Username, got.ServerURL, tc.wantUser, tc.stdin)
			assert.Equal(t, tc.wantSecret, got.Secret, "get = %s / %s, want %s / %s", got.Username, got.ServerURL, tc.wantUser, tc.stdin)
			assert.Equal(t, tc.stdin, got.ServerURL, "get = %s / %s, want %s / %s", got.Username, got.ServerURL, tc.wantUser, tc.stdin)
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
	require.Equal(t, 0, res.Exit, "exit %d; stdout %q; stderr %s", res.Exit, res.Stdout, res.Stderr)
	var got struct {
		CacheKeyType string
		Auth         map[string]struct{ Username, Password string }
	}
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got))
	want := map[string]string{"example.registry.io/abc/one": "pw-one", "example.registry.io/abc": "pw-abc"}
	require.Len(t, got.Auth, len(want), "answer %s, want exactly the keys of %v with cacheKeyType Image", res.Stdout, want)
	require.Equal(t, "Image", got.CacheKeyType, "answer %s, want exactly the keys of %v with cacheKeyType Image", res.Stdout, want)
	for pattern, pw := range want {
		assert.Equal(t, pw, got.Auth[pattern].Password, "auth[%s] = %+v, want password %s", pattern, got.Auth[pattern], pw)
	}
}

// TestOCIRThroughBinary: an ocir entry signs the token request with the
// API key and answers BEARER_TOKEN with the token the registry issued.
func TestOCIRThroughBinary(t *testing.T) {
	e := newOCIE2E(t)
	iss, err := ocitest.NewIssuer(nil)
	require.NoError(t, err)
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
			require.Equal(t, tc.wantExit, res.Exit, "exit %d, want %d; stdout %q; stderr %s", res.Exit, tc.wantExit, res.Stdout, res.Stderr)
			if tc.wantExit != 0 {
				assert.Contains(t, res.Stdout, "not an OCI Registry host", "stdout should refuse the host")
				assert.Empty(t, registry.Rejected(), "nothing should reach the registry")
				assert.Equal(t, issued, registry.Issued(), "nothing should reach the registry")
				return
			}
			var got struct{ ServerURL, Username, Secret string }
			require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got))
			assert.Equal(t, "BEARER_TOKEN", got.Username)
			to, ok := registry.IssuedTo(got.Secret)
			assert.True(t, ok, "the token was not issued by the registry")
			assert.Equal(t, e.key.KeyID(), to, "the token was not issued to the API key")
			assert.NotContains(t, res.Stderr, got.Secret, "stderr holds the token")
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
	require.NoError(t, err)
	instance, err := ocitest.NewInstanceIdentity("iad")
	require.NoError(t, err)
	md := ocitest.NewMetadata(t, instance)
	fed := ocitest.NewFederation(t, e.keys, iss, instance)
	rp, err := ocitest.ResourcePrincipal(e.keys, iss, "us-ashburn-1")
	require.NoError(t, err)
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
			require.Equal(t, 0, res.Exit, "exit %d; stdout %q; stderr %s", res.Exit, res.Stdout, res.Stderr)
			var got struct{ Username, Secret string }
			require.NoError(t, json.Unmarshal([]byte(res.Stdout), &got))
			calls := e.secrets.Calls()
			assert.Equal(t, "pw-principal", got.Secret, "get = %s", got.Username)
			if assert.NotEmpty(t, calls, "no read of the secret") {
				assert.True(t, strings.HasPrefix(calls[len(calls)-1].KeyID, "ST$"), "the last read was not signed with a session token")
			}
			assert.NotContains(t, res.Stderr, "pw-principal", "stderr holds the password")
		})
	}
}
