// Package front is the docker-credential-regcred executable: it answers a
// warm `get` from the config and the file cache, and hands every other
// request to the backend executable (regcred-backend, installed next to it),
// which links the cloud SDKs, net/http and the OS keyring.
//
// Go runs the initialisation of every package a binary links before main,
// and the SDKs' alone cost more than the rest of a warm `get`. Splitting the
// binary is the only way a `get` that needs no backend pays for none. The
// front answers only when its answer is byte for byte the backend's: the
// first matching entry is a static source, an anonymous entry, or a token
// kind with a fresh file-cache entry, and nothing would be logged. In every
// other case (a miss, a token due a refresh, the keyring store, a stored
// `docker login`, debug logging, a warning, any error) the backend runs the
// whole request itself, with the same arguments, environment and stdin.
package front
