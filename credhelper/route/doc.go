// Package route remembers, for the front binary, what the engine answered a
// `get` with, so that the next identical `get` is one stat per input and
// two small file reads, in a binary that links no YAML, no config types and
// no backend.
//
// A route is keyed by everything the engine's answer depends on, short of
// the clock: the normalised request, the identity (device, inode, size,
// modification time, mode) of every file the config could be read from and
// of the backend executable, and the environment variables any backend,
// the cache or the config lookup reads. It holds no secret: it names the
// token-cache entry that answered (or says nothing matched) and where the
// logins are kept. The engine writes a route only when its answer came
// from the first entry tried, through the file cache, without a warning;
// the front then re-checks what can change without touching a key (a
// stored `docker login`, the token's freshness, the identity files the
// cache key hashes) and otherwise hands the request back to the engine.
package route
