// Package credhelper is the engine behind docker-credential-regcred and its
// two front doors: the Docker credential-helper protocol (get, store, erase,
// list, version) and the kubelet credential-provider protocol.
//
// A request flows config → matcher → cache → providers: the config is
// loaded strictly, the request normalised and matched against the entries'
// patterns, and the matching entries' backends are tried most specific
// first until one yields a credential. Backends are constructed only when
// their entry is tried, so a request for an unconfigured registry costs a
// config read and a match, nothing more. docs/architecture.md maps the
// engine's packages (one per concern: check, clientsetup, kubeletproto,
// loginstore …) and the cold and warm paths.
package credhelper
