package cli

import "errors"

// The executables' file names, installed side by side: the front finds
// the engine and the fetcher next to itself by these names.
const (
	FrontName   = "docker-credential-regcred"
	EngineName  = "regcred-engine"
	FetcherName = "regcred-fetch"
)

// ErrUsage marks a command line regcred does not understand.
var ErrUsage = errors.New("usage")

// Plural is one when n is 1, else many.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Truncate bounds what a message quotes of a command-line argument.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
