package route

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
)

// subdir holds the routes under the default cache directory. Not the
// config's cache.dir: the front must find a route before it reads any
// config.
const subdir = "routes"

// Route is what the engine answered a `get` with. No field is secret.
type Route struct {
	// NotFound: the engine answered "credentials not found" (no entry
	// matched, or an anonymous one came first).
	NotFound bool
	// Store, TokenDir and TokenKey name the file-cache entry that answered
	// (Store is the configured kind, auto or file).
	Store    string
	TokenDir string
	TokenKey string
	// Files are the identity files the token's key hashed, and FilesSum
	// their hashes then: a changed file means another key.
	Files    []string
	FilesSum string
	// LoginDir is where `docker login` credentials are kept: a login
	// stored since would change the answer.
	LoginDir string
}

// Dir is where routes are kept, or an error when there is no cache
// directory (no home): then there are no routes.
func Dir(lookupEnv func(string) (string, bool)) (string, error) {
	return cache.DefaultDir(lookupEnv)
}

// Read returns the route stored under key in dir.
func Read(dir, key string) (Route, error) {
	data, err := cache.ReadPrivate(filepath.Join(dir, subdir, key+".route"))
	if err != nil {
		return Route{}, err
	}
	r, err := decode(data)
	if err != nil {
		return Route{}, fmt.Errorf("route %s: %w", key, err)
	}
	return r, nil
}

// Write stores r under key in dir, atomically, 0600, and deletes routes
// not written for maxAge: a key that is never asked again (an identity
// switched, a config edited) would otherwise leave its route behind.
func Write(dir, key string, r Route, now time.Time) error {
	if err := cache.WritePrivate(dir, subdir, key+".route", encode(r)); err != nil {
		return err
	}
	sweep(filepath.Join(dir, subdir), now.Add(-maxAge))
	return nil
}

// maxAge is how long an unused route is kept. Writing one costs a backend
// run, so a stale route costs nothing but a file.
const maxAge = 30 * 24 * time.Hour

func sweep(dir string, before time.Time) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(before) {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// SumFiles is what FilesSum holds for files now (as config's
// CacheIdentity computes it).
func SumFiles(files []string) string {
	parts := cache.IdentityFileParts(files)
	if len(parts) == 0 {
		return ""
	}
	return cache.Key(parts...)
}
