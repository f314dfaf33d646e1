package controller

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	ctrl "sigs.k8s.io/controller-runtime"
	crconfig "sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/yaml"

	"github.com/regcred/regcred/credhelper"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/internal/kubetest"
	"github.com/regcred/regcred/internal/syncbuf"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/netdeps"
)

// waitFor and poll bound every Eventually of the scenarios: generous, since
// the machine running them may be loaded; a passing scenario returns as
// soon as the cluster converges.
const (
	waitFor = 45 * time.Second
	poll    = 100 * time.Millisecond
)

// world is a real etcd and kube-apiserver with deploy/'s RBAC applied, and
// an admin client for the test's own reads and writes.
type world struct {
	cluster *kubetest.Cluster
	kc      kubernetes.Interface
}

func newWorld(t *testing.T) *world {
	t.Helper()
	c := kubetest.Start(t)
	w := &world{cluster: c, kc: kubernetes.NewForConfigOrDie(c.Admin())}
	w.ns(t, "regcred-system", nil)
	applyRBAC(t, w.kc, "../deploy/rbac.yaml")
	return w
}

// running is one controller process's worth: a manager with the
// controller, its logs and its metrics.
type running struct {
	logs    *syncbuf.Buffer
	metrics *prometheus.Registry
	stop    func()
}

// runOpts vary a controller from the deployed one.
type runOpts struct {
	// token authenticates it; default: deploy/'s ServiceAccount's.
	token string
	// manager adjusts the manager's options (e.g. the lease's timings).
	manager func(*ctrl.Options)
}

// run starts a controller for cfg, authenticated as deploy/'s
// ServiceAccount and leader-elected through the Lease in regcred-system
// as deployed (unless ro says otherwise), retrying a failed registry after
// 300ms; it stops when the test ends or on stop().
func (w *world) run(t *testing.T, cfg *config.Config, res Resolver, ro runOpts) *running {
	t.Helper()
	if ro.token == "" {
		ro.token = kubetest.ControllerToken
	}
	logger, logs := testkit.DebugLogger()
	skipNameValidation := true
	mo := ctrl.Options{
		Cache: CacheOptions(), Metrics: metricsserver.Options{BindAddress: "0"},
		Logger: logr.FromSlogHandler(logger.Handler()),
		// One process runs several controllers in turn (a config change,
		// two replicas); controller-runtime wants unique names per process.
		Controller:     crconfig.Controller{SkipNameValidation: &skipNameValidation},
		LeaderElection: true, LeaderElectionID: Name, LeaderElectionNamespace: "regcred-system", LeaderElectionReleaseOnCancel: true,
	}
	if ro.manager != nil {
		ro.manager(&mo)
	}
	mgr, err := ctrl.NewManager(w.cluster.Token(ro.token), mo)
	require.NoError(t, err)
	reg := prometheus.NewRegistry()
	o := Options{Config: cfg, Resolver: res, Logger: logger, Registry: reg, Retry: 300 * time.Millisecond}
	require.NoError(t, Setup(mgr, o))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done, "the manager's exit")
		})
	}
	t.Cleanup(stop)
	return &running{logs: logs, metrics: reg, stop: stop}
}

func (w *world) ns(t *testing.T, name string, labels map[string]string) {
	t.Helper()
	_, err := w.kc.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}, metav1.CreateOptions{})
	require.NoError(t, err)
}

func (w *world) labelNS(t *testing.T, name string, labels map[string]string) {
	t.Helper()
	ns, err := w.kc.CoreV1().Namespaces().Get(t.Context(), name, metav1.GetOptions{})
	require.NoError(t, err)
	ns.Labels = labels
	_, err = w.kc.CoreV1().Namespaces().Update(t.Context(), ns, metav1.UpdateOptions{})
	require.NoError(t, err)
}

func (w *world) sa(t *testing.T, ns, name string, pullSecrets ...string) {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name}}
	for _, s := range pullSecrets {
		sa.ImagePullSecrets = append(sa.ImagePullSecrets, corev1.LocalObjectReference{Name: s})
	}
	_, err := w.kc.CoreV1().ServiceAccounts(ns).Create(t.Context(), sa, metav1.CreateOptions{})
	require.NoError(t, err)
}

// links is the service account's imagePullSecrets, by name.
func (w *world) links(t *testing.T, ns, name string) []string {
	t.Helper()
	sa, err := w.kc.CoreV1().ServiceAccounts(ns).Get(t.Context(), name, metav1.GetOptions{})
	require.NoError(t, err)
	var out []string
	for _, ref := range sa.ImagePullSecrets {
		out = append(out, ref.Name)
	}
	return out
}

// waitLinks waits until the service account's imagePullSecrets are want.
func (w *world) waitLinks(t *testing.T, ns, name string, want ...string) {
	t.Helper()
	var got []string
	ok := eventually(func() bool {
		got = w.links(t, ns, name)
		return strings.Join(got, ",") == strings.Join(want, ",")
	})
	require.True(t, ok, "service account %s/%s: imagePullSecrets %v, want %v", ns, name, got, want)
}

// auths reads a pull secret's .dockerconfigjson; nil when it does not exist.
func (w *world) auths(t *testing.T, ns, name string) map[string]dockerAuthEntry {
	t.Helper()
	s, err := w.kc.CoreV1().Secrets(ns).Get(t.Context(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	require.NoError(t, err)
	require.Equal(t, corev1.SecretTypeDockerConfigJson, s.Type)
	require.Equal(t, "regcred", s.Labels["app.kubernetes.io/managed-by"])
	var doc struct{ Auths map[string]dockerAuthEntry }
	require.NoError(t, json.Unmarshal(s.Data[corev1.DockerConfigJsonKey], &doc))
	return doc.Auths
}

type dockerAuthEntry struct{ Username, Password, Auth string }

// waitSecret waits for the managed Secret and returns its auths.
func (w *world) waitSecret(t *testing.T, ns, name string) map[string]dockerAuthEntry {
	t.Helper()
	var a map[string]dockerAuthEntry
	require.True(t, eventually(func() bool { a = w.auths(t, ns, name); return a != nil }), "secret %s/%s never written", ns, name)
	return a
}

// waitGone waits until the Secret does not exist.
func (w *world) waitGone(t *testing.T, ns, name string) {
	t.Helper()
	require.True(t, eventually(func() bool {
		_, err := w.kc.CoreV1().Secrets(ns).Get(t.Context(), name, metav1.GetOptions{})
		return apierrors.IsNotFound(err)
	}), "secret %s/%s still there", ns, name)
}

// events are the events.k8s.io Events about object name in ns, as
// "Reason: note" lines.
func (w *world) events(t *testing.T, ns, name string) []string {
	t.Helper()
	list, err := w.kc.EventsV1().Events(ns).List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	var out []string
	for _, e := range list.Items {
		if e.Regarding.Name == name {
			out = append(out, e.Reason+": "+e.Note)
		}
	}
	return out
}

// waitEvent waits for an Event about ns/name with reason and returns its
// "Reason: note" line.
func (w *world) waitEvent(t *testing.T, ns, name, reason string) string {
	t.Helper()
	var line string
	ok := eventually(func() bool {
		for _, e := range w.events(t, ns, name) {
			if strings.HasPrefix(e, reason+": ") {
				line = e
				return true
			}
		}
		return false
	})
	require.True(t, ok, "no %s Event about %s/%s; events: %v", reason, ns, name, w.events(t, ns, name))
	return line
}

func eventually(cond func() bool) bool {
	deadline := time.Now().Add(waitFor)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(poll)
	}
}

func parseConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("config.yaml", []byte(text))
	require.NoError(t, err)
	return cfg
}

// ecrRegistry is a private ECR registry of the fake cloud's account.
const ecrRegistry = ecrtest.Account + ".dkr.ecr.us-west-2.amazonaws.com"

// ecrEnv isolates the AWS SDK from the machine and gives it a user of
// cloud's in the environment, as a Deployment's env would.
func ecrEnv(t *testing.T, cloud *ecrtest.Cloud) ecrtest.Keys {
	t.Helper()
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECR"} {
		t.Setenv(k, "")
		os.Unsetenv(k) // the SDK tells unset from empty
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(home, "aws-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(home, "aws-credentials"))
	keys := cloud.NewUser("regcred-controller")
	t.Setenv("AWS_ACCESS_KEY_ID", keys.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", keys.SecretAccessKey)
	return keys
}

// engineResolver is the resolver regcred-controller runs with (no token
// cache), for cfg.
func engineResolver(t *testing.T, cfg *config.Config) Resolver {
	t.Helper()
	logger, _ := testkit.DebugLogger()
	app := &credhelper.App{Env: config.Env{LookupEnv: os.LookupEnv, HomeDir: os.Getenv("HOME")}, Deps: netdeps.Default(logger)}
	r, err := app.NewPullResolver(cfg, false)
	require.NoError(t, err)
	return r
}

// applyRBAC creates the RBAC objects of a manifest file (deploy/rbac.yaml:
// the tests prove it sufficient).
func applyRBAC(t *testing.T, kc kubernetes.Interface, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, doc := range strings.Split(string(data), "\n---\n") {
		applyRBACDoc(t, kc, []byte(doc))
	}
}

func applyRBACDoc(t *testing.T, kc kubernetes.Interface, doc []byte) {
	t.Helper()
	ctx := t.Context()
	var kind struct{ Kind string }
	require.NoError(t, yaml.Unmarshal(doc, &kind))
	var err error
	switch kind.Kind {
	case "ClusterRole":
		var o rbacv1.ClusterRole
		require.NoError(t, yaml.UnmarshalStrict(doc, &o))
		_, err = kc.RbacV1().ClusterRoles().Create(ctx, &o, metav1.CreateOptions{})
	case "ClusterRoleBinding":
		var o rbacv1.ClusterRoleBinding
		require.NoError(t, yaml.UnmarshalStrict(doc, &o))
		_, err = kc.RbacV1().ClusterRoleBindings().Create(ctx, &o, metav1.CreateOptions{})
	case "Role":
		var o rbacv1.Role
		require.NoError(t, yaml.UnmarshalStrict(doc, &o))
		_, err = kc.RbacV1().Roles(o.Namespace).Create(ctx, &o, metav1.CreateOptions{})
	case "RoleBinding":
		var o rbacv1.RoleBinding
		require.NoError(t, yaml.UnmarshalStrict(doc, &o))
		_, err = kc.RbacV1().RoleBindings(o.Namespace).Create(ctx, &o, metav1.CreateOptions{})
	default:
		require.Failf(t, "unexpected kind", "%q in RBAC manifest", kind.Kind)
	}
	require.NoError(t, err)
}

// total sums a counter's series in reg.
func total(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
		}
	}
	return sum
}
