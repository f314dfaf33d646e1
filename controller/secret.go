package controller

import (
	"bytes"
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/regcred/regcred/credhelper/pullsecret"
)

// managedLabels mark a Secret as regcred-controller's. The manager's cache
// holds only Secrets carrying them, so a Secret read through it is ours.
var managedLabels = map[string]string{pullsecret.ManagedByLabel: pullsecret.ManagedBy}

// writeSecret creates or updates the managed Secret ns/name to hold data.
// ours is false when a Secret of that name exists without the label: it
// belongs to someone else and is left alone (an Event and a log line say so).
func (r *reconciler) writeSecret(ctx context.Context, ns, name string, data []byte) (ours bool, err error) {
	var s corev1.Secret
	err = r.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &s)
	switch {
	case apierrors.IsNotFound(err):
		return r.createSecret(ctx, ns, name, data)
	case err != nil:
		return false, fmt.Errorf("reading secret %s/%s: %w", ns, name, denied(err))
	case s.Type != pullsecret.Type:
		r.foreign(ns, name, "it is labelled as regcred's but its type is "+string(s.Type))
		return false, nil
	case bytes.Equal(s.Data[pullsecret.DataKey], data) && len(s.Data) == 1:
		return true, nil
	}
	s.Data = map[string][]byte{pullsecret.DataKey: data}
	if err := r.client.Update(ctx, &s); err != nil {
		return false, fmt.Errorf("updating secret %s/%s: %w", ns, name, denied(err))
	}
	r.log.Info("pull secret refreshed", "namespace", ns, "secret", name)
	return true, nil
}

func (r *reconciler) createSecret(ctx context.Context, ns, name string, data []byte) (bool, error) {
	s := &corev1.Secret{Type: pullsecret.Type, Data: map[string][]byte{pullsecret.DataKey: data}}
	s.Namespace, s.Name, s.Labels = ns, name, managedLabels
	err := r.client.Create(ctx, s)
	switch {
	case apierrors.IsAlreadyExists(err):
		r.foreign(ns, name, "it was not created by regcred-controller (no "+pullsecret.ManagedByLabel+"="+pullsecret.ManagedBy+" label)")
		return false, nil
	case err != nil:
		return false, fmt.Errorf("creating secret %s/%s: %w", ns, name, denied(err))
	}
	r.log.Info("pull secret created", "namespace", ns, "secret", name)
	return true, nil
}

func (r *reconciler) foreign(ns, name, why string) {
	r.log.Warn("leaving a secret alone", "namespace", ns, "secret", name, "reason", why)
	r.warn(secretRef(ns, name), "SecretNotManaged", "Skip",
		"regcred-controller neither overwrites nor deletes secret %s: %s", name, why)
}

// removeUnwanted deletes the managed Secrets in ns that no pullSecrets item
// wants there any more, unlinking them first.
func (r *reconciler) removeUnwanted(ctx context.Context, ns string, wanted map[string]bool) error {
	var list corev1.SecretList
	if err := r.client.List(ctx, &list, client.InNamespace(ns), client.MatchingLabels(managedLabels)); err != nil {
		return fmt.Errorf("listing managed secrets in %s: %w", ns, denied(err))
	}
	for i := range list.Items {
		s := &list.Items[i]
		if wanted[s.Name] {
			continue
		}
		if err := r.syncLinks(ctx, ns, s.Name, nil); err != nil {
			return err
		}
		uid := s.UID
		if err := r.client.Delete(ctx, s, client.Preconditions{UID: &uid}); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("deleting secret %s/%s: %w", ns, s.Name, denied(err))
		}
		r.metrics.expiry.set(ns, s.Name, zeroTime)
		r.log.Info("pull secret removed", "namespace", ns, "secret", s.Name)
	}
	return nil
}
