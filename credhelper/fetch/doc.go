// Package fetch is the lean fetcher, regcred-fetch: the third executable,
// which the front hands a `get` to when its route records a fetch that can
// be repeated without the engine (providers.Recipe) and the cached token
// is missing or due. It runs the front's own checks (route key, request,
// identity files, store), makes that one call, stores the token where the
// engine would, and answers (ECR refusing while the cached token is still
// valid, it serves that token with the engine's warning); whatever else
// it cannot do, or any other failure, it hands to the engine unchanged,
// which redoes the request and says what went wrong. It links net/http and the SDK's request signer, never an SDK
// client, the config or YAML: it starts about as fast as a minimal program
// with a network stack, where the engine, which links every backend, takes
// twice as long (docs/architecture.md, the renewal path).
package fetch
