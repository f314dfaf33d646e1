package controller

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

var zeroTime time.Time

// link adds secret to each named service account's imagePullSecrets,
// keeping every other entry. A missing service account is linked when it
// appears (its creation triggers a reconcile).
func (r *reconciler) link(ctx context.Context, ns, secret string, accounts []string) error {
	for _, name := range accounts {
		var sa corev1.ServiceAccount
		err := r.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &sa)
		switch {
		case apierrors.IsNotFound(err):
			r.log.Debug("service account not there yet", "namespace", ns, "serviceAccount", name)
			continue
		case err != nil:
			return fmt.Errorf("reading service account %s/%s: %w", ns, name, err)
		case hasLink(&sa, secret):
			continue
		}
		sa.ImagePullSecrets = append(sa.ImagePullSecrets, corev1.LocalObjectReference{Name: secret})
		// Update carries the resourceVersion read: a concurrent edit of the
		// list conflicts and is retried, never overwritten.
		if err := r.client.Update(ctx, &sa); err != nil {
			return fmt.Errorf("linking %s to service account %s/%s: %w", secret, ns, name, err)
		}
		r.log.Info("pull secret linked", "namespace", ns, "serviceAccount", name, "secret", secret)
	}
	return nil
}

// unlinkAll removes secret from every service account in ns that lists it.
func (r *reconciler) unlinkAll(ctx context.Context, ns, secret string) error {
	var list corev1.ServiceAccountList
	if err := r.client.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return fmt.Errorf("listing service accounts in %s: %w", ns, err)
	}
	for i := range list.Items {
		sa := &list.Items[i]
		if !hasLink(sa, secret) {
			continue
		}
		sa.ImagePullSecrets = slices.DeleteFunc(sa.ImagePullSecrets, func(ref corev1.LocalObjectReference) bool { return ref.Name == secret })
		if err := r.client.Update(ctx, sa); err != nil {
			return fmt.Errorf("unlinking %s from service account %s/%s: %w", secret, ns, sa.Name, err)
		}
		r.log.Info("pull secret unlinked", "namespace", ns, "serviceAccount", sa.Name, "secret", secret)
	}
	return nil
}

func hasLink(sa *corev1.ServiceAccount, secret string) bool {
	return slices.ContainsFunc(sa.ImagePullSecrets, func(ref corev1.LocalObjectReference) bool { return ref.Name == secret })
}
