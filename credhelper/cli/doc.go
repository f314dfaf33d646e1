// Package cli holds what the engine's command packages share and nothing
// else: the two executables' names, the usage error value and two wording
// helpers. It imports nothing
// of regcred's, so every command package can use it.
package cli
