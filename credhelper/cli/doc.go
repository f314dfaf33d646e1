// Package cli holds what the front, the fetcher, the engine and the
// engine's command packages share about the command line, and nothing
// else: the executables' names, the usage error value, where a failed
// command's message goes (Verb, ErrorsOnStderr: one rule for every
// executable) and two wording helpers. It imports nothing of regcred's, so every package
// above it can use it.
package cli
