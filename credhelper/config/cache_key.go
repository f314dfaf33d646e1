package config

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// CacheKey identifies what the entry would fetch for a registry: its kind and
// settings, the registry, the ambient identity its backend reads from the
// environment, and the pod identity in kubelet mode. The cache hashes it all,
// so a key holds no secret, and no SDK is needed to compute it.
func (e *Entry) CacheKey(t matcher.Target, sa *providers.ServiceAccount, lookupEnv func(string) (string, bool)) string {
	return e.CacheIdentity(t, sa, lookupEnv).Key
}

// CacheIdentity is CacheKey with the identity files it hashed and the
// hash of their parts (cache.IdentityFilesSum, as route.SumFiles computes it): read
// once, so that whoever records the key records the files' state that made
// it, not a later one.
type CacheIdentity struct {
	Key      string
	Files    []string
	FilesSum string
}

// CacheIdentity computes the entry's cache key; see CacheKey.
func (e *Entry) CacheIdentity(t matcher.Target, sa *providers.ServiceAccount, lookupEnv func(string) (string, bool)) CacheIdentity {
	var id CacheIdentity
	settings := e.settings
	settingsText, err := json.Marshal(settings)
	if err != nil {
		// Settings are plain structs, so this does not happen; should it,
		// the Go syntax form still tells any two settings apart.
		settingsText = fmt.Appendf(nil, "%#v", settings)
	}
	parts := []string{e.kind.Name(), string(settingsText), t.Registry()}
	if e.Verify {
		// A verified credential was proved for one repository; another
		// repository must be proved again, not served from the cache.
		parts = append(parts, "verified for", t.Path)
	}
	if a, ok := settings.(providers.AmbientEnv); ok {
		parts = append(parts, cache.AmbientParts(lookupEnv, a.EnvKeys())...)
	}
	if f, ok := settings.(providers.IdentityFiles); ok {
		id.Files = f.IdentityFiles(lookupEnv)
		var fileParts []string
		fileParts, id.FilesSum = cache.IdentityFilesSum(id.Files)
		parts = append(parts, fileParts...)
	}
	if sa != nil {
		if _, keyless := e.IdentityToken(); !keyless {
			// A keyless entry's key gets the token's claims instead
			// (WithIdentityToken): the pod's next, rotated token hits.
			parts = append(parts, "serviceAccountToken", sa.Token.Reveal())
		}
		for _, k := range slices.Sorted(maps.Keys(sa.Annotations)) {
			parts = append(parts, "annotation", k, sa.Annotations[k])
		}
	}
	id.Key = cache.Key(parts...)
	return id
}
