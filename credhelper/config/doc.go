// Package config is regcred's configuration: the file's types, where it is
// looked for, strict decoding with every problem reported by file:line, the
// backend kinds and their settings, the built-in cloud entries, and the
// cache key of an entry.
//
// It links no backend SDK, no net/http and no keyring: the front binary
// (cmd/docker-credential-regcred) answers warm requests with this package,
// the matcher and the file cache alone, so that a `get` costs little more
// than a process start. Building and calling backends is the engine's job
// (package credhelper, in the backend binary).
package config
