// Package helperexec runs another Docker credential helper
// (docker-credential-<name>, or a file named by its path) the way docker
// does: the verb as the only argument, the server on stdin, a JSON answer
// on stdout. The `helper:` kind and static's dockerConfig (a file whose
// credsStore or credHelpers name a helper) share it.
//
// What a helper prints on stdout is its secret, or an error message that
// may quote one: it never enters a log or an error. Its stderr is logged,
// truncated. A run is bounded by the caller's context: on cancellation the
// helper's whole process group is killed, and Wait gives up on pipes a
// grandchild keeps open after WaitDelay.
package helperexec
