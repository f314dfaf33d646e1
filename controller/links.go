package controller

import (
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

var zeroTime time.Time

// syncLinks makes secret appear in the imagePullSecrets of exactly the
// named service accounts of ns, keeping every other entry: it is added to
// those named and removed from the others (an account dropped from the
// item's serviceAccounts is unlinked). A named account that does not exist
// yet is linked when it appears (its creation triggers a reconcile).
func (r *reconciler) syncLinks(ctx context.Context, ns, secret string, accounts []string) error {
	var list corev1.ServiceAccountList
	if err := r.client.List(ctx, &list, client.InNamespace(ns)); err != nil {
		return fmt.Errorf("listing service accounts in %s: %w", ns, denied(err))
	}
	for i := range list.Items {
		sa := &list.Items[i]
		want, have := slices.Contains(accounts, sa.Name), hasLink(sa, secret)
		switch {
		case want && !have:
			sa.ImagePullSecrets = append(sa.ImagePullSecrets, corev1.LocalObjectReference{Name: secret})
		case !want && have:
			sa.ImagePullSecrets = slices.DeleteFunc(sa.ImagePullSecrets, func(ref corev1.LocalObjectReference) bool { return ref.Name == secret })
		default:
			continue
		}
		// Update carries the resourceVersion read: a concurrent edit of the
		// list conflicts and is retried, never overwritten.
		if err := r.client.Update(ctx, sa); err != nil {
			return fmt.Errorf("%s service account %s/%s: %w", linkText(want, secret), ns, sa.Name, denied(err))
		}
		r.log.Info("pull secret "+linkVerb(want)+"ed", "namespace", ns, "serviceAccount", sa.Name, "secret", secret)
	}
	return nil
}

func linkVerb(link bool) string {
	if link {
		return "link"
	}
	return "unlink"
}

// linkText is "linking S to" or "unlinking S from", for errors.
func linkText(link bool, secret string) string {
	if link {
		return "linking " + secret + " to"
	}
	return "unlinking " + secret + " from"
}

func hasLink(sa *corev1.ServiceAccount, secret string) bool {
	return slices.ContainsFunc(sa.ImagePullSecrets, func(ref corev1.LocalObjectReference) bool { return ref.Name == secret })
}
