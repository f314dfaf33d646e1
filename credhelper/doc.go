// Package credhelper is the engine, the regcred-engine executable: the App
// (the command line, dispatch, where a failure's message goes), the
// Resolver (the entries matching a request, tried most specific first),
// the Docker credential-helper verbs (get, store, erase, list, version),
// the kubelet command, route recording, and the small files that hand the
// command packages (check, clientsetup) what they need.
//
// A request flows config → matcher → cache → providers: the config is
// loaded strictly, the request normalised and matched against the entries'
// patterns, and the matching entries' backends are tried most specific
// first until one yields a credential. Backends are constructed only when
// their entry is tried, so a request for an unconfigured registry costs a
// config read and a match, nothing more. docs/architecture.md maps the
// packages, says which to change to add a backend, a command or a client
// set-up, and walks the cold and warm paths.
package credhelper
