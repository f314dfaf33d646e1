// Package pullsecret builds Kubernetes image pull secrets from resolved
// credentials: the .dockerconfigjson document (auths.<registry> with
// username, password and auth) and the Secret manifest around it.
//
// It is pure (no I/O, no clock) and deliberately small: the engine's
// `pull-secret` command uses it, and so does regcred-controller, but the
// engine must not link client-go or apimachinery, so the manifest is written
// from this package's own few structs.
package pullsecret
