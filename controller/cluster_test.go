package controller

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	ctrl "sigs.k8s.io/controller-runtime"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/pullsecret"
	"github.com/regcred/regcred/internal/kubetest"
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

func TestAgainstARealAPIServer(t *testing.T) {
	cluster := kubetest.Start(t)
	kc := kubernetes.NewForConfigOrDie(cluster.Admin())
	ctx := t.Context()

	cfg, err := config.Parse("cfg.yaml", []byte(`
pullSecrets:
  - secretName: regcred-pull
    namespaceSelector: {matchLabels: {regcred.io/pull: "true"}}
    registries: [registry.example.com]
    serviceAccounts: [default]
`))
	require.NoError(t, err)

	// team-b holds a foreign Secret of the same name before the controller starts.
	mkNS(t, kc, "team-a", map[string]string{"regcred.io/pull": "true"})
	mkNS(t, kc, "team-b", map[string]string{"regcred.io/pull": "true"})
	_, err = kc.CoreV1().Secrets("team-b").Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "regcred-pull"},
		StringData: map[string]string{"mine": "keep"}}, metav1.CreateOptions{})
	require.NoError(t, err)
	_, err = kc.CoreV1().ServiceAccounts("team-a").Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"},
		ImagePullSecrets: []corev1.LocalObjectReference{{Name: "other"}}}, metav1.CreateOptions{})
	require.NoError(t, err)

	// The controller runs as its own ServiceAccount with deploy/'s RBAC only.
	mkNS(t, kc, "regcred-system", nil)
	applyRBAC(t, kc)
	logger, logs := testkit.DebugLogger()
	mgr, err := ctrl.NewManager(cluster.Token(kubetest.ControllerToken), ctrl.Options{
		Cache: CacheOptions(), Metrics: metricsserver.Options{BindAddress: "0"},
		LeaderElection: true, LeaderElectionID: Name, LeaderElectionNamespace: "regcred-system", LeaderElectionReleaseOnCancel: true,
	})
	require.NoError(t, err)
	res := &countingResolver{}
	require.NoError(t, Setup(mgr, Options{Config: cfg, Resolver: res, Logger: logger, Registry: prometheus.NewRegistry()}))
	mctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- mgr.Start(mctx) }()
	t.Cleanup(func() { cancel(); <-done })

	// Created, with the credential, and linked keeping the other entry.
	var s *corev1.Secret
	require.Eventually(t, func() bool {
		s, err = kc.CoreV1().Secrets("team-a").Get(ctx, "regcred-pull", metav1.GetOptions{})
		return err == nil
	}, 30*time.Second, 200*time.Millisecond)
	assert.Equal(t, corev1.SecretTypeDockerConfigJson, s.Type)
	assert.Equal(t, "regcred", s.Labels["app.kubernetes.io/managed-by"])
	var doc struct {
		Auths map[string]struct{ Username, Password, Auth string }
	}
	require.NoError(t, json.Unmarshal(s.Data[".dockerconfigjson"], &doc))
	assert.Equal(t, "pw-for-registry.example.com", doc.Auths["registry.example.com"].Password)
	require.Eventually(t, func() bool {
		sa, err := kc.CoreV1().ServiceAccounts("team-a").Get(ctx, "default", metav1.GetOptions{})
		return err == nil && len(sa.ImagePullSecrets) == 2
	}, 30*time.Second, 200*time.Millisecond)
	sa, err := kc.CoreV1().ServiceAccounts("team-a").Get(ctx, "default", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, []corev1.LocalObjectReference{{Name: "other"}, {Name: "regcred-pull"}}, sa.ImagePullSecrets)

	// The foreign Secret is left alone, and a log line says so.
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), "leaving a secret alone") }, 30*time.Second, 200*time.Millisecond)
	foreign, err := kc.CoreV1().Secrets("team-b").Get(ctx, "regcred-pull", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "keep", string(foreign.Data["mine"]))
	assert.Empty(t, foreign.Labels)

	// Unlabelled: the Secret and its link go; the other entry stays.
	ns, err := kc.CoreV1().Namespaces().Get(ctx, "team-a", metav1.GetOptions{})
	require.NoError(t, err)
	delete(ns.Labels, "regcred.io/pull")
	_, err = kc.CoreV1().Namespaces().Update(ctx, ns, metav1.UpdateOptions{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := kc.CoreV1().Secrets("team-a").Get(ctx, "regcred-pull", metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}, 30*time.Second, 200*time.Millisecond)
	sa, err = kc.CoreV1().ServiceAccounts("team-a").Get(ctx, "default", metav1.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, []corev1.LocalObjectReference{{Name: "other"}}, sa.ImagePullSecrets)
	_, err = kc.CoreV1().Secrets("team-b").Get(ctx, "regcred-pull", metav1.GetOptions{})
	require.NoError(t, err, "the foreign secret survives")
	testkit.AssertNoSecret(t, "logs", logs.String(), "pw-for-registry.example.com")
}

func mkNS(t *testing.T, kc kubernetes.Interface, name string, labels map[string]string) {
	t.Helper()
	_, err := kc.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{})
	require.NoError(t, err)
}

// applyRBAC creates deploy/rbac.yaml's objects, so the test proves them
// sufficient.
func applyRBAC(t *testing.T, kc kubernetes.Interface) {
	t.Helper()
	data, err := os.ReadFile("../deploy/rbac.yaml")
	require.NoError(t, err)
	ctx := t.Context()
	for _, doc := range strings.Split(string(data), "\n---\n") {
		var kind struct{ Kind string }
		require.NoError(t, yaml.Unmarshal([]byte(doc), &kind))
		switch kind.Kind {
		case "ClusterRole":
			var o rbacv1.ClusterRole
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &o))
			_, err = kc.RbacV1().ClusterRoles().Create(ctx, &o, metav1.CreateOptions{})
		case "ClusterRoleBinding":
			var o rbacv1.ClusterRoleBinding
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &o))
			_, err = kc.RbacV1().ClusterRoleBindings().Create(ctx, &o, metav1.CreateOptions{})
		case "Role":
			var o rbacv1.Role
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &o))
			_, err = kc.RbacV1().Roles(o.Namespace).Create(ctx, &o, metav1.CreateOptions{})
		case "RoleBinding":
			var o rbacv1.RoleBinding
			require.NoError(t, yaml.UnmarshalStrict([]byte(doc), &o))
			_, err = kc.RbacV1().RoleBindings(o.Namespace).Create(ctx, &o, metav1.CreateOptions{})
		default:
			t.Fatalf("deploy/rbac.yaml: unexpected kind %q", kind.Kind)
		}
		require.NoError(t, err)
	}
}
