// Package kubetest starts a real etcd and kube-apiserver on loopback for
// tests, from the binaries `make kube-bins` builds into bin/kube/ (from the
// module proxy, in testdata/kubelet). Tests skip without them, and fail
// without them when CI=true.
package kubetest
