// Package staticread reads the places a static entry's credential lives —
// a file, an environment variable, a docker config file — for the static
// backend (providers/static) and for the front executable alike, so that
// the front, answering a warm `get` from a route, reads exactly as the
// engine would: the same size limit, the same checks on the file, the same
// trimming and parsing. It links no YAML, no network and no backend (the
// front's dependency rules, cmd/docker-credential-regcred/front_deps_test.go):
// a docker config that is a YAML Kubernetes Secret is the backend's to parse.
//
// A read ends in one of three ways: a value; a value with a Warning, which
// the engine logs at warn and uses, and on which the front hands the request
// to the engine; or an error, which the engine reports and the front hands
// off on.
package staticread
