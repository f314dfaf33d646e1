package cache

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func TestKeyIsStable(t *testing.T) {
	// A changed scheme silently orphans every cached entry; change this
	// value only together with keyDomain.
	const want = "d76faff745ac8a8968a93f667f2dee6ccd5b322d404d2c6d79c85ac79e944376"
	got := Key("ecr", `{"region":"eu-west-1"}`, "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "AWS_PROFILE unset")
	require.Equal(t, got, Key("ecr", `{"region":"eu-west-1"}`, "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "AWS_PROFILE unset"), "Key is not deterministic")
	require.True(t, validKey(got), "Key returned %q, which validKey refuses", got)
	assert.Equal(t, want, got)
}

func TestKeyDistinguishesIdentities(t *testing.T) {
	tests := []struct {
		name string
		a, b []string
	}{
		{name: "part boundary", a: []string{"ab", "c"}, b: []string{"a", "bc"}},
		{name: "order", a: []string{"ecr", "r1"}, b: []string{"r1", "ecr"}},
		{name: "empty part vs none", a: []string{"ecr", ""}, b: []string{"ecr"}},
		{name: "registry", a: []string{"ecr", "{}", "a.example.com"}, b: []string{"ecr", "{}", "b.example.com"}},
		{name: "kind", a: []string{"ecr", "{}"}, b: []string{"gcr", "{}"}},
		{name: "no parts vs empty", a: nil, b: []string{""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.NotEqual(t, Key(tt.a...), Key(tt.b...), "Key(%q) == Key(%q)", tt.a, tt.b)
		})
	}
}

func TestKeyHoldsNoSecret(t *testing.T) {
	env := testkit.Env{"VAULT_TOKEN": testSecret, "VAULT_ADDR": "https://vault.example.com"}.Lookup
	parts := AmbientParts(env, []string{"VAULT_TOKEN", "VAULT_ADDR"})
	testkit.AssertNoSecret(t, "ambient parts", strings.Join(parts, "\n"), testSecret)
	k := Key(append([]string{"vault", testSecret}, parts...)...)
	testkit.AssertNoSecret(t, "key", k, testSecret)
	assert.NotContains(t, k, "vault", "the key shows its inputs")
}

func TestAmbientParts(t *testing.T) {
	tests := []struct {
		name  string
		a, b  map[string]string
		names []string
		same  bool
	}{
		{name: "switching profile changes the key", a: map[string]string{"AWS_PROFILE": "dev"}, b: map[string]string{"AWS_PROFILE": "prod"}, names: []string{"AWS_PROFILE"}},
		{name: "unset differs from empty", a: map[string]string{}, b: map[string]string{"AWS_PROFILE": ""}, names: []string{"AWS_PROFILE"}},
		{name: "variables not named do not matter", a: map[string]string{"HOME": "/a"}, b: map[string]string{"HOME": "/b"}, names: []string{"AWS_PROFILE"}, same: true},
		{name: "same values same key", a: map[string]string{"AWS_PROFILE": "dev"}, b: map[string]string{"AWS_PROFILE": "dev"}, names: []string{"AWS_PROFILE"}, same: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ka := Key(AmbientParts(testkit.Env(tt.a).Lookup, tt.names)...)
			kb := Key(AmbientParts(testkit.Env(tt.b).Lookup, tt.names)...)
			assert.Equal(t, tt.same, ka == kb, "keys equal")
		})
	}
	env := testkit.Env{"A": "1", "B": "2"}.Lookup
	assert.Equal(t, Key(AmbientParts(env, []string{"A", "B"})...), Key(AmbientParts(env, []string{"B", "A", "A"})...),
		"AmbientParts depends on the order or repetition of names")
}

func TestValidKey(t *testing.T) {
	tests := []struct {
		name string
		key  string
		ok   bool
	}{
		{name: "a key", key: testKey("x"), ok: true},
		{name: "empty", key: ""},
		{name: "upper case", key: strings.ToUpper(testKey("x"))},
		{name: "path traversal", key: "../" + testKey("x")[3:]},
		{name: "too short", key: testKey("x")[1:]},
		{name: "too long", key: testKey("x") + "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.ok, validKey(tt.key), "validKey(%q)", tt.key)
		})
	}
}
