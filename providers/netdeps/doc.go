// Package netdeps is the network handle of the backends that speak HTTP:
// providers.Deps plus an *http.Client, and the one default client (with
// its timeout) every backend falls back to. It is apart from providers
// because providers is the contract the front binary links, and the front
// must not pay for net/http's start-up.
package netdeps
