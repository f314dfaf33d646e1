package controller

import (
	"context"
	"errors"
	"log/slog"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/pullsecret"
)

// reconciler keeps one namespace's pull secrets: Reconcile is called with
// the namespace's name whenever it, a managed Secret or a service account
// in it changes, and again when a credential is due for refresh.
type reconciler struct {
	client  client.Client
	items   []config.PullSecret
	creds   *credStore
	events  events.EventRecorder
	log     *slog.Logger
	metrics *metrics
	now     func() time.Time
}

// Reconcile implements reconcile.Reconciler.
func (r *reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var ns corev1.Namespace
	if err := r.client.Get(ctx, client.ObjectKey{Name: req.Name}, &ns); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err) // its secrets went with it
	}
	if ns.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	var next time.Time
	var errs []error
	wanted := map[string]bool{}
	for i := range r.items {
		it := &r.items[i]
		if !it.Selects(ns.Name, ns.Labels) {
			continue
		}
		wanted[it.SecretName] = true
		due, err := r.keep(ctx, ns.Name, it)
		next = earliest(next, due)
		errs = append(errs, err)
	}
	errs = append(errs, r.removeUnwanted(ctx, ns.Name, wanted))
	if err := errors.Join(errs...); err != nil {
		return ctrl.Result{}, err
	}
	if next.IsZero() {
		return ctrl.Result{}, nil
	}
	return ctrl.Result{RequeueAfter: max(next.Sub(r.now()), time.Second)}, nil
}

// keep writes item's Secret into namespace ns with each registry's current
// credential and links it; it returns when the soonest one is due.
func (r *reconciler) keep(ctx context.Context, ns string, it *config.PullSecret) (time.Time, error) {
	var due time.Time
	var auths []pullsecret.Auth
	ref := secretRef(ns, it.SecretName)
	for _, reg := range it.Registries {
		res := r.creds.get(ctx, reg)
		due = earliest(due, res.due)
		if res.err != nil {
			r.refreshFailed(ref, reg, res)
		}
		if res.have {
			auths = append(auths, res.auth)
		}
	}
	if len(auths) == 0 {
		// Nothing valid to write: the Secret keeps what it has.
		return due, nil
	}
	data, err := pullsecret.DockerConfigJSON(auths)
	if err != nil {
		return due, err
	}
	ours, err := r.writeSecret(ctx, ns, it.SecretName, data)
	if err != nil || !ours {
		return due, err
	}
	r.metrics.expiry.set(ns, it.SecretName, pullsecret.Earliest(auths))
	return due, r.syncLinks(ctx, ns, it.SecretName, it.ServiceAccounts)
}

func (r *reconciler) refreshFailed(ref runtime.Object, registry string, res credResult) {
	if res.have {
		r.log.Warn("refresh failed; keeping the last good credential until it expires", "registry", registry, "expires", res.auth.ExpiresAt, "error", res.err)
		r.warn(ref, "RefreshFailed", "Refresh",
			"%s: refresh failed, keeping the last good credential until it expires (%s): %v", registry, expiryText(res.auth.ExpiresAt), res.err)
		return
	}
	r.log.Error("no credential for a pull secret", "registry", registry, "error", res.err)
	r.warn(ref, "NoCredential", "Refresh",
		"%s: no valid credential, left out of the secret: %v", registry, res.err)
}

func expiryText(t time.Time) string {
	if t.IsZero() {
		return "no expiry known"
	}
	return t.UTC().Format(time.RFC3339)
}

func secretRef(ns, name string) *corev1.Secret {
	s := &corev1.Secret{}
	s.Namespace, s.Name = ns, name
	s.APIVersion, s.Kind = "v1", "Secret"
	return s
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
