package credhelper

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckPullSecrets(t *testing.T) {
	const entries = `defaults: false
registries:
  - match: registry.example.com
    static: {username: robot, passwordEnv: PW}
`
	tests := []struct {
		name, pullSecrets string
		want              []string // each a problem line's fragment; none: valid
	}{
		{name: "valid", pullSecrets: `
  - secretName: regcred-pull
    namespaceSelector: {matchLabels: {regcred.io/pull: "true"}}
    registries: [registry.example.com]`},
		{name: "unknown registry", pullSecrets: `
  - secretName: regcred-pull
    namespaces: [team-a]
    registries: [registry.example.com, unknown.example.org]`,
			want: []string{`pullSecrets[0] (secretName regcred-pull): registries[1]: no entry matches "unknown.example.org"`}},
		{name: "bad selector", pullSecrets: `
  - secretName: regcred-pull
    namespaceSelector: {matchExpressions: [{key: tier, operator: Equals, values: [a]}]}
    registries: [registry.example.com]`,
			want: []string{`pullSecrets[0]: namespaceSelector.matchExpressions[0]: operator "Equals" is not one of In, NotIn, Exists, DoesNotExist`}},
		{name: "empty names", pullSecrets: `
  - secretName: ""
    namespaces: [""]
    registries: [registry.example.com]
    serviceAccounts: [""]`,
			want: []string{`pullSecrets[0]: "secretName" is required`, `pullSecrets[0]: namespaces: "" is not a namespace name`, `pullSecrets[0]: serviceAccounts: "" is not a service account name`}},
		{name: "second item", pullSecrets: `
  - secretName: a
    namespaces: [team-a]
    registries: [registry.example.com]
  - secretName: b
    namespaces: [team-b]`,
			want: []string{`pullSecrets[1]: "registries" is required`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, entries+"pullSecrets:"+tt.pullSecrets+"\n", map[string]string{"PW": checkSecret})
			rep, code := runCheck(t, ta)
			if len(tt.want) == 0 {
				assert.True(t, rep.Config.Valid, "problems: %v", rep.Config.Problems)
				assert.Equal(t, 0, code)
				return
			}
			assert.False(t, rep.Config.Valid)
			assert.Equal(t, 1, code)
			all := strings.Join(rep.Config.Problems, "\n")
			for _, w := range tt.want {
				assert.Contains(t, all, w)
			}
			require.Len(t, rep.Config.Problems, len(tt.want), "one problem a line: %q", rep.Config.Problems)
		})
	}
}
