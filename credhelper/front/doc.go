// Package front is the docker-credential-regcred executable: it answers a
// `get` the engine has answered before, from the route the engine recorded
// (package route), after re-checking what a route key cannot cover; a due
// token whose route records a recipe goes to the lean fetcher (package
// fetch, which runs this same code with Front.Renew set), every other
// request to the engine executable installed next to it, with the same
// arguments, environment and stdin. It links no config, no engine, no
// net/http and no keyring, so a warm get starts fast; the cold, warm and
// renewal paths are walked in docs/architecture.md.
package front
