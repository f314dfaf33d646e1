package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
)

// keyDomain separates these hashes from any other use of SHA-256 over the
// same inputs and lets a future key scheme coexist with this one.
const keyDomain = "regcred-cache-key/1"

// keyLen is the length of a Key: hex SHA-256.
const keyLen = 2 * sha256.Size

// Key hashes an entry's identity into a cache key: SHA-256 (hex) over the
// parts, each length-prefixed so ("ab","c") and ("a","bc") differ. Pass the
// kind, the entry's canonical settings, the registry and AmbientParts. The
// result is safe to show, log and use as a file name; no part can be read
// back from it.
func Key(parts ...string) string {
	h := sha256.New()
	h.Write([]byte(keyDomain))
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AmbientParts turns the environment variables a backend reads its identity
// from (providers.AmbientEnv) into Key parts: names sorted and deduplicated,
// each value replaced by its SHA-256, so the parts themselves hold no token
// even if logged. An unset variable and an empty one differ.
func AmbientParts(lookupEnv func(string) (string, bool), names []string) []string {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	parts := make([]string, 0, len(sorted))
	for _, name := range sorted {
		v, ok := lookupEnv(name)
		if !ok {
			parts = append(parts, name+" unset")
			continue
		}
		sum := sha256.Sum256([]byte(v))
		parts = append(parts, name+"="+hex.EncodeToString(sum[:]))
	}
	return parts
}

// IsKey reports whether s is a Key hash: what may name a file the cache
// or its users write, and so what their sweeps may remove.
func IsKey(s string) bool { return validKey(s) }

// validKey accepts exactly what Key returns. Keys become file names and
// keyring item names, so nothing else (no "/", no "..") may pass.
func validKey(k string) bool {
	if len(k) != keyLen {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
