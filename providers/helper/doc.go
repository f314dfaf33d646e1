// Package helper is the `helper:` kind: it asks another Docker credential
// helper (docker-credential-desktop, -osxkeychain, -pass, -secretservice …)
// for the registry, through providers/helperexec. It keeps the logins a
// user's old credsStore holds reachable once regcred answers for docker.
//
// Not cached (the helper is the store) and never run by `list`: it is not
// one of the local kinds whose answer list may read.
package helper
