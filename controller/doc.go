// Package controller is regcred-controller: it keeps image pull Secrets
// fresh across a Kubernetes cluster from the pullSecrets section of the
// regcred config.
//
// One reconcile per namespace: for each pullSecrets item selecting it, the
// registries' credentials (resolved through the engine's resolver and kept
// in a per-registry store, refreshed at half their lifetime with jitter)
// are written into a kubernetes.io/dockerconfigjson Secret labelled
// app.kubernetes.io/managed-by: regcred and linked to the named service
// accounts; items and namespaces that no longer match lose their Secret and
// links. A Secret without the label is someone else's and is never
// touched. Reconciles run on the leader only, so replicas share one backend
// call per refresh.
//
// Only this package and cmd/regcred-controller link client-go and
// controller-runtime (held by credhelper/layers_test.go).
package controller
