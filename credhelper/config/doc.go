// Package config is regcred's configuration: the file's types, where it is
// looked for, strict decoding with every problem reported by file:line,
// the kind table (Kinds: the backends' registrations, see package
// providers/kind) from which entries take their settings, validation and
// built-in entries, and the cache key of an entry.
//
// Only the engine links it: it imports every backend, and the front binary
// (cmd/docker-credential-regcred) answers warm requests from the routes
// the engine recorded (package route) without reading the config.
package config
