package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func TestPullSecretsValid(t *testing.T) {
	cfg, err := Parse("cfg.yaml", []byte(`
pullSecrets:
  - secretName: regcred-pull
    namespaceSelector: {matchLabels: {regcred.io/pull: "true"}, matchExpressions: [{key: tier, operator: NotIn, values: [dev]}]}
    registries: ["Registry.Example.com:443", "localhost:5000"]
    serviceAccounts: [default, builder]
  - secretName: other
    namespaces: [team-a]
    registries: [docker.io]
`))
	require.NoError(t, err, "the engine's parse accepts the section")
	require.NoError(t, cfg.ValidatePullSecrets())
	assert.Equal(t, []string{"registry.example.com", "localhost:5000"}, cfg.PullSecrets[0].Registries, "normalised to host[:port]")
	assert.Equal(t, []string{"default", "builder"}, cfg.PullSecrets[0].ServiceAccounts)
}

func TestPullSecretsInvalid(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{name: "nothing given", yaml: "pullSecrets: [{}]", want: []string{
			`cfg.yaml: pullSecrets[0]: "secretName" is required`,
			`pullSecrets[0]: name the namespaces: "namespaceSelector" or "namespaces"`,
			`pullSecrets[0]: "registries" is required`}},
		{name: "both selectors", yaml: "pullSecrets: [{secretName: p, namespaces: [a], namespaceSelector: {}, registries: [r.example.com]}]",
			want: []string{`"namespaceSelector" and "namespaces" together`}},
		{name: "bad names", yaml: "pullSecrets: [{secretName: P_1, namespaces: [A.b], registries: [r.example.com], serviceAccounts: [Bad_SA]}]",
			want: []string{`secretName: secret name "P_1" is not a DNS subdomain`, `namespaces: "A.b" is not a namespace name`, `serviceAccounts: "Bad_SA" is not a service account name`}},
		{name: "registry with a path", yaml: "pullSecrets: [{secretName: p, namespaces: [a], registries: [r.example.com/team]}]",
			want: []string{`registries[0]: "r.example.com/team" names a repository`}},
		{name: "registry twice", yaml: "pullSecrets: [{secretName: p, namespaces: [a], registries: [r.example.com, R.example.com:443]}]",
			want: []string{`registries[1]: "r.example.com" is named twice`}},
		{name: "bad operator", yaml: "pullSecrets: [{secretName: p, namespaceSelector: {matchExpressions: [{key: a, operator: Equals}, {key: b, operator: In}, {key: c, operator: Exists, values: [x]}]}, registries: [r.example.com]}]",
			want: []string{`matchExpressions[0]: operator "Equals" is not one of In, NotIn, Exists, DoesNotExist`, `matchExpressions[1]: In needs values`, `matchExpressions[2]: Exists takes no values`}},
		{name: "same secret twice", yaml: "pullSecrets: [{secretName: p, namespaces: [a], registries: [r.example.com]}, {secretName: p, namespaces: [b], registries: [r.example.com]}]",
			want: []string{`pullSecrets[1]: secretName "p" is also pullSecrets[0]'s`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("cfg.yaml", []byte(tt.yaml))
			require.NoError(t, err)
			testkit.WantErr(t, cfg.ValidatePullSecrets(), ErrConfig, tt.want...)
		})
	}
}

func TestPullSecretUnknownKey(t *testing.T) {
	_, err := Parse("cfg.yaml", []byte("pullSecrets:\n  - secretname: p\n"))
	testkit.WantErr(t, err, ErrConfig, `cfg.yaml:2: unknown key "secretname"`, "secretName")
}

func TestPullSecretSelects(t *testing.T) {
	sel := &PullSecret{NamespaceSelector: &LabelSelector{
		MatchLabels: map[string]string{"regcred.io/pull": "true"},
		MatchExpressions: []LabelRequirement{
			{Key: "tier", Operator: "NotIn", Values: []string{"dev"}},
			{Key: "team", Operator: "Exists"},
			{Key: "frozen", Operator: "DoesNotExist"},
			{Key: "zone", Operator: "In", Values: []string{"a", "b"}},
		},
	}}
	base := map[string]string{"regcred.io/pull": "true", "team": "x", "zone": "a"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		labels map[string]string
		want   bool
	}{
		{name: "all hold", labels: base, want: true},
		{name: "label off", labels: with("regcred.io/pull", "false")},
		{name: "label gone", labels: with("regcred.io/pull", "")},
		{name: "NotIn hit", labels: with("tier", "dev")},
		{name: "NotIn other", labels: with("tier", "prod"), want: true},
		{name: "Exists missing", labels: with("team", "")},
		{name: "DoesNotExist present", labels: with("frozen", "yes")},
		{name: "In miss", labels: with("zone", "c")},
		{name: "In missing", labels: with("zone", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, sel.Selects("any", tt.labels))
		})
	}
	list := &PullSecret{Namespaces: []string{"team-a"}}
	assert.True(t, list.Selects("team-a", nil))
	assert.False(t, list.Selects("team-b", map[string]string{"regcred.io/pull": "true"}))
	assert.True(t, (&PullSecret{NamespaceSelector: &LabelSelector{}}).Selects("any", nil), "{} selects every namespace")
}
