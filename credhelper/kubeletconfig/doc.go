// Package kubeletconfig reads the kubelet's CredentialProviderConfig as far
// as regcred needs it: each provider's name, its matchImages and whether it
// passes service-account tokens (tokenAttributes), and finds the providers
// whose matchImages overlap. The kubelet runs every provider whose
// matchImages match an image and merges their answers, so a node-identity
// provider overlapping a service-account provider hands the node's
// credential to every pod there, whatever the service-account provider
// decides.
package kubeletconfig
