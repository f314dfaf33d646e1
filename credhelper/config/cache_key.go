package config

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
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
	settings := e.kind.Settings(e)
	settingsText, err := json.Marshal(settings)
	if err != nil {
		// Settings are plain structs, so this does not happen; should it,
		// the Go syntax form still tells any two settings apart.
		settingsText = fmt.Appendf(nil, "%#v", settings)
	}
	parts := []string{e.kind.Name, string(settingsText), t.Registry()}
	if e.Verify {
		// A verified credential was proved for one repository; another
		// repository must be proved again, not served from the cache.
		parts = append(parts, "verified for", t.Path)
	}
	if a, ok := settings.(providers.AmbientEnv); ok {
		parts = append(parts, cache.AmbientParts(lookupEnv, a.EnvKeys())...)
	}
	if f, ok := settings.(providers.IdentityFiles); ok {
		parts = append(parts, identityFileParts(f.IdentityFiles(lookupEnv))...)
	}
	if sa != nil {
		parts = append(parts, "serviceAccountToken", sa.Token.Reveal())
		for _, k := range slices.Sorted(maps.Keys(sa.Annotations)) {
			parts = append(parts, "annotation", k, sa.Annotations[k])
		}
	}
	return cache.Key(parts...)
}

// maxIdentityFile bounds what is hashed of an identity file; a token file
// is a few hundred bytes.
const maxIdentityFile = 64 << 10

// identityFileParts hashes each file's content (not kept in clear: the key
// is a hash of all parts). A missing file is a part too, so that creating
// it changes the key.
func identityFileParts(paths []string) []string {
	parts := make([]string, 0, len(paths))
	for _, p := range paths {
		data, err := readHead(p, maxIdentityFile)
		if err != nil {
			parts = append(parts, "file "+p+" unreadable")
			continue
		}
		sum := sha256.Sum256(data)
		parts = append(parts, "file "+p+"="+hex.EncodeToString(sum[:]))
	}
	return parts
}

func readHead(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
