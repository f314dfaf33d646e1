// Package cache keeps the credentials backends issue, so that a warm `get`
// reads one cache entry and never leaves the machine, and so that N
// concurrent cold `get`s for one entry make one backend call.
//
// # Stores
//
//   - keyring: the OS keyring through github.com/zalando/go-keyring (macOS
//     Keychain, Windows Credential Manager, the Secret Service on Linux).
//     Records larger than the platform's per-item limit (PlatformChunkLimit;
//     Windows 2,560 bytes, and ECR passwords are longer) are split into
//     chunk items behind a head item with a checksum. A secret-free index in
//     <dir>/keyring-index/ lets List work without enumerating the keyring.
//     A keyring call that fails or times out (KeyringTimeout) falls back to
//     the file store, with one warning; the keyring is then left alone for
//     the rest of the Cache's life (one helper run), so a hung Secret
//     Service costs one timeout, not three. Gets read the file store on a
//     keyring miss too, so entries written during a fallback stay usable.
//   - file: <dir>/tokens/<key>.json; directories 0700, files 0600, written
//     by atomic rename. A file that is corrupt, truncated, of another format
//     version, written for another key, a symlink, owned by another user or
//     open to group or others is ignored (a miss, with a warning) and
//     replaced by the next write; it is never trusted.
//   - sealed (Linux): <dir>/tokens/<key>.sealed, written like the file
//     store's, the record sealed with AES-256-GCM under one per-user key in
//     the kernel's persistent keyring (Keyctl; SealKeyDescription), the
//     cache key and the record's clear header (registry, entry, expiry) as
//     additional data. A record whose key is gone (reboot, expiry) or that
//     was moved to another name is absent; the next write makes a new key.
//     List and Clear read the clear headers, no key needed.
//   - none: caches nothing, locks nothing.
//   - auto: sealed where the kernel key calls work (Options.Keyctl; one
//     debug line and the rest of the run without it when they fail), then
//     keyring where usable, else file. Where go-keyring speaks D-Bus
//     (Linux, BSD), "usable" needs a session bus that already exists
//     (DBUS_SESSION_BUS_ADDRESS, $XDG_RUNTIME_DIR/bus or /run/user/<uid>/bus);
//     without one no keyring call is made at all, because godbus would
//     autolaunch a dbus-daemon that outlives the helper.
//
// The default dir is $XDG_CACHE_HOME/regcred or ~/.cache/regcred (the
// os.UserCacheDir rules, read from the injected environment); see DefaultDir.
//
// # Keys
//
// Key hashes the parts it is given (SHA-256, hex, length-prefixed parts).
// The resolver passes, in this order:
//
//	cache.Key(append([]string{kind, canonicalSettings, registry},
//	        cache.AmbientParts(deps.LookupEnv, envKeys)...)...)
//
// where canonicalSettings is the entry's settings marshalled to JSON and
// envKeys comes from the settings' providers.AmbientEnv, if any. Computing
// it loads no SDK. Note that providers.Secret marshals as "[redacted]": a
// setting of that type must be added as its own part (Reveal()), or two
// entries differing only in that secret would share a key. Any other input
// that changes the answer (a kubelet service-account token) is a part too.
// Nothing in a key can be read back, so keys may be shown and logged.
//
// # Policy
//
// Policy says Fresh, Refresh or Expired. A token is refreshed after half
// its lifetime (StoredAt → ExpiresAt) or when less than RefreshMargin (5
// minutes) remains, and expires at ExpiresAt. A credential without an
// expiry (static, Vault KV, OCI Vault) is cached for Options.TTL (0: not
// cached) as a LongLived entry, which is fresh until then and handed back
// without an expiry. Failures are never cached: Store.Put takes only an
// Entry, and Cache.Credential stores only what fetch returned without error.
//
// # Single flight
//
// Locker takes a per-key advisory file lock (<dir>/locks/<key>.lock,
// flock(2) / LockFileEx). The kernel drops it when the holder dies, even by
// SIGKILL; a live holder blocks others for at most Options.LockWait, after
// which they fetch on their own.
//
// # Use from the resolver
//
//	c, err := cache.Open(cache.Options{Kind: cfg.Cache.Store, Dir: cfg.Cache.Dir,
//	        TTL: ttl /* config default 5m applied */, Now: deps.Now,
//	        LookupEnv: deps.LookupEnv, Logger: deps.Logger})
//	// errors.Is(err, cache.ErrNoDir): warn and use Options{Kind: "none"}.
//	cred, outcome, err := c.Credential(ctx,
//	        cache.Item{Key: key, Registry: target.Registry(), Source: entryLabel},
//	        func(ctx context.Context) (providers.Credential, error) { return build(...).Credential(ctx, req) })
//
// The fetch function is the only place a backend client is built, so a hit
// constructs none. `cache list` is c.List (Info: key, registry, entry,
// store, expiry; no secret); `cache clear [registry]` and `erase` are
// c.Clear(ctx, registry) ("" clears all).
package cache
