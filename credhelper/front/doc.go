// Package front is the docker-credential-regcred executable: it answers a
// `get` the engine has answered before, and hands every other request to
// the backend executable (regcred-backend, installed next to it), which
// links the YAML parser, the cloud SDKs, net/http and the OS keyring.
//
// Go runs the initialisation of every package a binary links before main,
// and the SDKs' alone cost more than the rest of a warm `get`. So the front
// links no config code at all: it reads the route the engine recorded for
// this request (package route: keyed by the request, the config file's and
// the backend's identity and the relevant environment), checks what a key
// cannot cover (a `docker login` stored since, the token still fresh in the
// file cache, the identity files unchanged, no keyring in the way), and
// prints the same answer the engine printed. In every other case (no route,
// a miss, a token due a refresh, the keyring store, a static source, debug
// logging, any doubt) the backend runs the whole request itself, with the
// same arguments, environment and stdin, and records a route for next time
// when its answer can be given again.
package front
