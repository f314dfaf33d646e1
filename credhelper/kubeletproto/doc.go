// Package kubeletproto is the kubelet's credential-provider exec protocol
// as regcred speaks it: reading a CredentialProviderRequest (v1, v1beta1,
// v1alpha1; strictly, as the kubelet decodes), writing a
// CredentialProviderResponse, the match keys of its auth map and the
// cache-duration rules. It knows no config and no resolver: the engine's
// kubelet command (credhelper/kubelet.go) assembles the answer; this
// package, next to dockerproto, says what goes on the wire.
package kubeletproto
