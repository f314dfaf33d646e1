// Package kubelet runs the kubelet's own credential-provider plugin code
// (k8s.io/kubernetes/pkg/credentialprovider/plugin) against the built
// docker-credential-regcred binary, with regcred-engine and regcred-fetch
// next to it in the plugin directory as installed: the kubelet encodes the
// requests, execs the binary, decodes the answers strictly, caches them,
// and its keyring picks the credentials for each image.
//
// It is a module of its own because k8s.io/kubernetes needs a replace
// line per staging module, which the main module should not carry. Run it
// with:
//
//	cd testdata/kubelet && go test -count=1 ./...
package kubelet
