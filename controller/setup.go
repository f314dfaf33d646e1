package controller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/regcred/regcred/credhelper/config"
)

// Name is the controller's name: its field manager, event source and lease.
const Name = "regcred-controller"

// Defaults for Options left zero.
const (
	DefaultNoExpiryRefresh = time.Hour
	DefaultRetry           = 30 * time.Second
)

// Options is what Setup needs; the clock, jitter and metrics registry are
// injected so tests drive them.
type Options struct {
	// Config is the loaded config; its pullSecrets are validated by Setup.
	Config   *config.Config
	Resolver Resolver
	Logger   *slog.Logger
	// Registry takes the controller's metrics (controller-runtime's
	// metrics.Registry in the binary).
	Registry prometheus.Registerer
	Now      func() time.Time
	// Jitter returns a random duration in [0, d).
	Jitter func(d time.Duration) time.Duration
	// NoExpiryRefresh is how often a credential without an expiry is
	// re-read; Retry how soon a failed registry is asked again.
	NoExpiryRefresh, Retry time.Duration
}

func (o *Options) defaults() error {
	if o.Config == nil || o.Resolver == nil || o.Logger == nil || o.Registry == nil {
		return errors.New("controller: Config, Resolver, Logger and Registry are required")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Jitter == nil {
		o.Jitter = func(d time.Duration) time.Duration {
			if d <= 0 {
				return 0
			}
			return rand.N(d)
		}
	}
	if o.NoExpiryRefresh <= 0 {
		o.NoExpiryRefresh = DefaultNoExpiryRefresh
	}
	if o.Retry <= 0 {
		o.Retry = DefaultRetry
	}
	return nil
}

// CacheOptions limit the manager's Secret cache to the Secrets the
// controller manages: it never holds anyone else's secrets in memory.
func CacheOptions() cache.Options {
	return cache.Options{ByObject: map[client.Object]cache.ByObject{
		&corev1.Secret{}: {Label: labels.SelectorFromSet(managedLabels)},
	}}
}

// Setup adds the controller to mgr, whose cache must be built with
// CacheOptions.
func Setup(mgr ctrl.Manager, o Options) error {
	if err := o.defaults(); err != nil {
		return err
	}
	if err := o.Config.ValidatePullSecrets(); err != nil {
		return err
	}
	if len(o.Config.PullSecrets) == 0 {
		o.Logger.Warn("the config has no pullSecrets: managed secrets left from an earlier config are removed, nothing is written", "config", o.Config.Path)
	}
	m, err := newMetrics(o.Registry, o.Now)
	if err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	r := &reconciler{
		client: mgr.GetClient(), items: o.Config.PullSecrets, log: o.Logger, metrics: m, now: o.Now,
		events: mgr.GetEventRecorder(Name),
		creds: &credStore{resolve: o.Resolver, now: o.Now, jitter: o.Jitter, noExpiry: o.NoExpiryRefresh,
			retry: o.Retry, metrics: m, regs: map[string]*regCred{}},
	}
	byNamespace := handler.EnqueueRequestsFromMapFunc(func(_ context.Context, obj client.Object) []reconcile.Request {
		return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: obj.GetNamespace()}}}
	})
	return ctrl.NewControllerManagedBy(mgr).
		Named("pullsecrets").
		For(&corev1.Namespace{}).
		Watches(&corev1.Secret{}, byNamespace).
		Watches(&corev1.ServiceAccount{}, byNamespace).
		Complete(r)
}
