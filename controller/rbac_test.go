package controller

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"

	"github.com/regcred/regcred/internal/kubetest"
)

// TestRBACDenial runs the controller as a ServiceAccount bound to
// deploy/rbac.yaml less one permission (update on serviceaccounts): the
// Secret is still written, and the link's failure is a clear error naming
// the user, the verb, the resource and where the permission comes from.
func TestRBACDenial(t *testing.T) {
	w := newWorld(t)
	applyLimitedRBAC(t, w, "serviceaccounts", "update")
	w.ns(t, "team-a", map[string]string{"regcred.io/pull": "true"})
	w.sa(t, "team-a", "default")
	ctl := w.run(t, parseConfig(t, `
pullSecrets:
  - secretName: regcred-pull
    namespaceSelector: {matchLabels: {regcred.io/pull: "true"}}
    registries: [registry.example.com]
    serviceAccounts: [default]
`), &countingResolver{}, runOpts{token: kubetest.LimitedToken})

	w.waitSecret(t, "team-a", "regcred-pull")
	require.True(t, eventually(func() bool { return strings.Contains(ctl.logs.String(), "is forbidden") }), "no denial logged:\n%s", ctl.logs.String())
	logs := ctl.logs.String()
	for _, want := range []string{
		"linking regcred-pull to service account team-a/default",
		`User \"system:serviceaccount:regcred-system:regcred-limited\" cannot update resource \"serviceaccounts\"`,
		"regcred-controller's RBAC does not grant this: see deploy/rbac.yaml",
	} {
		assert.Contains(t, logs, want)
	}
	assert.Empty(t, w.links(t, "team-a", "default"), "nothing linked without the permission")
}

// applyLimitedRBAC binds deploy/rbac.yaml's roles, less verb on resource,
// to kubetest.LimitedAccount.
func applyLimitedRBAC(t *testing.T, w *world, resource, verb string) {
	t.Helper()
	data, err := os.ReadFile("../deploy/rbac.yaml")
	require.NoError(t, err)
	removed := false
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var o map[string]any
		require.NoError(t, yaml.Unmarshal([]byte(doc), &o))
		meta := o["metadata"].(map[string]any)
		meta["name"] = meta["name"].(string) + "-limited"
		if ref, ok := o["roleRef"].(map[string]any); ok {
			ref["name"] = ref["name"].(string) + "-limited"
			o["subjects"] = []any{map[string]any{"kind": "ServiceAccount", "name": kubetest.LimitedAccount, "namespace": "regcred-system"}}
		}
		out, err := yaml.Marshal(o)
		require.NoError(t, err)
		if o["kind"] == "ClusterRole" {
			var cr rbacv1.ClusterRole
			require.NoError(t, yaml.UnmarshalStrict(out, &cr))
			for i, r := range cr.Rules {
				if slices.Contains(r.Resources, resource) && slices.Contains(r.Verbs, verb) {
					cr.Rules[i].Verbs = slices.DeleteFunc(r.Verbs, func(v string) bool { return v == verb })
					removed = true
				}
			}
			out, err = yaml.Marshal(cr)
			require.NoError(t, err)
		}
		applyRBACDoc(t, w.kc, out)
	}
	require.True(t, removed, "deploy/rbac.yaml grants no %s on %s", verb, resource)
}
