// Package netdeps is the network handle of the backends that speak HTTP:
// providers.Deps plus an *http.Client. It is apart from providers so that
// what the front binary links (config, matcher, the file cache, static
// sources) never pulls in net/http and pays its start-up cost.
package netdeps
