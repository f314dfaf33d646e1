package controller

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/regcred/regcred/credhelper/pullsecret"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

// countingResolver answers every registry with a numbered token.
type countingResolver struct {
	mu    sync.Mutex
	calls int
}

func (c *countingResolver) Auth(_ context.Context, registry string) (pullsecret.Auth, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	return pullsecret.Auth{Registry: registry, Username: "robot", Password: providers.Secret("pw-for-" + registry)}, nil
}

const lifecycleConfig = `
pullSecrets:
  - secretName: regcred-pull
    namespaceSelector: {matchLabels: {regcred.io/pull: "true"}}
    registries: [registry.example.com]
    serviceAccounts: [default, builder]
  - secretName: extra-pull
    namespaces: [team-list]
    registries: [other.example.com]
    serviceAccounts: [default]
`

// TestLifecycle walks one cluster through what a cluster's life does to
// pull secrets: namespaces labelled and unlabelled, service accounts
// created, linked and unlinked beside other entries, a foreign Secret of
// the same name, and a config change dropping an item and an account.
func TestLifecycle(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	pull := func(l string) map[string]string { return map[string]string{"regcred.io/pull": l} }

	w.ns(t, "team-a", pull("true"))
	w.sa(t, "team-a", "default", "other")
	w.ns(t, "team-b", pull("true"))
	_, err := w.kc.CoreV1().Secrets("team-b").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "regcred-pull"},
		StringData: map[string]string{"mine": "keep"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	w.ns(t, "team-c", pull("false"))
	w.sa(t, "team-c", "default")
	w.ns(t, "team-list", nil)
	w.sa(t, "team-list", "default", "first")

	ctl := w.run(t, parseConfig(t, lifecycleConfig), &countingResolver{}, runOpts{})

	t.Run("created and linked beside other entries", func(t *testing.T) {
		a := w.waitSecret(t, "team-a", "regcred-pull")
		assert.Equal(t, map[string]dockerAuthEntry{"registry.example.com": {
			Username: "robot", Password: "pw-for-registry.example.com", Auth: testkit.B64("robot:pw-for-registry.example.com"),
		}}, a)
		w.waitLinks(t, "team-a", "default", "other", "regcred-pull")
		assert.Equal(t, "other.example.com", keys(w.waitSecret(t, "team-list", "extra-pull")))
		w.waitLinks(t, "team-list", "default", "first", "extra-pull")
	})
	t.Run("a service account created later is linked", func(t *testing.T) {
		w.sa(t, "team-a", "builder", "builder-own")
		w.waitLinks(t, "team-a", "builder", "builder-own", "regcred-pull")
	})
	t.Run("a link removed by someone comes back", func(t *testing.T) {
		sa, err := w.kc.CoreV1().ServiceAccounts("team-a").Get(ctx, "default", metav1.GetOptions{})
		require.NoError(t, err)
		sa.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "other"}}
		_, err = w.kc.CoreV1().ServiceAccounts("team-a").Update(ctx, sa, metav1.UpdateOptions{})
		require.NoError(t, err)
		w.waitLinks(t, "team-a", "default", "other", "regcred-pull")
	})
	t.Run("a foreign secret of the same name is left alone", func(t *testing.T) {
		ev := w.waitEvent(t, "team-b", "regcred-pull", "SecretNotManaged")
		assert.Contains(t, ev, "neither overwrites nor deletes secret regcred-pull")
		assert.Contains(t, ctl.logs.String(), "leaving a secret alone")
		foreign, err := w.kc.CoreV1().Secrets("team-b").Get(ctx, "regcred-pull", metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, map[string][]byte{"mine": []byte("keep")}, foreign.Data)
		assert.Empty(t, foreign.Labels)
	})
	t.Run("namespace labelled", func(t *testing.T) {
		w.labelNS(t, "team-c", pull("true"))
		w.waitSecret(t, "team-c", "regcred-pull")
		w.waitLinks(t, "team-c", "default", "regcred-pull")
	})
	t.Run("namespace unlabelled: secret and links removed, other entries kept", func(t *testing.T) {
		w.labelNS(t, "team-a", nil)
		w.waitGone(t, "team-a", "regcred-pull")
		w.waitLinks(t, "team-a", "default", "other")
		w.waitLinks(t, "team-a", "builder", "builder-own")
	})

	// A config change restarts the controller (the Deployment rolls).
	ctl.stop()
	ctl = w.run(t, parseConfig(t, `
pullSecrets:
  - secretName: regcred-pull
    namespaceSelector: {matchLabels: {regcred.io/pull: "true"}}
    registries: [registry.example.com]
    serviceAccounts: [builder]
`), &countingResolver{}, runOpts{})
	w.sa(t, "team-c", "builder")

	t.Run("an item leaving the config: its secrets and links removed", func(t *testing.T) {
		w.waitGone(t, "team-list", "extra-pull")
		w.waitLinks(t, "team-list", "default", "first")
	})
	t.Run("an account leaving the item: unlinked", func(t *testing.T) {
		w.waitLinks(t, "team-c", "builder", "regcred-pull")
		w.waitLinks(t, "team-c", "default")
		w.waitSecret(t, "team-c", "regcred-pull")
	})
	t.Run("the foreign secret survives it all", func(t *testing.T) {
		foreign, err := w.kc.CoreV1().Secrets("team-b").Get(ctx, "regcred-pull", metav1.GetOptions{})
		require.NoError(t, err)
		assert.Equal(t, "keep", string(foreign.Data["mine"]))
	})
	testkit.AssertNoSecret(t, "logs", ctl.logs.String(), "pw-for-registry.example.com")
}

// keys lists a pull secret's registries, comma-separated.
func keys(a map[string]dockerAuthEntry) string {
	var out string
	for k := range a {
		if out != "" {
			out += ","
		}
		out += k
	}
	return out
}
