package config

import (
	"errors"
	"path/filepath"
	"runtime"
)

// Where `docker login` credentials are kept. The engine records the place
// in its routes, so the front knows it without reading the config.

// LoginKeyringService files `docker login` credentials apart from cached
// tokens, so that a keyring browser shows them as what they are and `cache
// clear` never touches them.
const LoginKeyringService = "regcred-login"

// LoginDir is where logins are kept when the keyring cannot take them (and
// the keyring's secret-free index): <cache.dir>/logins when the config sets
// a cache dir, else the user's data dir ($XDG_DATA_HOME/regcred/logins or
// ~/.local/share/regcred/logins; the platform's application-data dir on
// macOS and Windows). Not the cache dir: caches may be wiped, logins not.
func LoginDir(cfg CacheConfig, lookupEnv func(string) (string, bool)) (string, error) {
	if cfg.Dir != "" {
		return filepath.Join(cfg.Dir, "logins"), nil
	}
	get := func(k string) string { v, _ := lookupEnv(k); return v }
	var base string
	switch runtime.GOOS {
	case "windows":
		base = get("AppData")
	case "darwin", "ios":
		if home := get("HOME"); home != "" {
			base = filepath.Join(home, "Library", "Application Support")
		}
	default:
		base = get("XDG_DATA_HOME")
		if base == "" || !filepath.IsAbs(base) {
			base = ""
			if home := get("HOME"); home != "" {
				base = filepath.Join(home, ".local", "share")
			}
		}
	}
	if base == "" || !filepath.IsAbs(base) {
		return "", errors.New("no directory to keep logins in: $HOME is not set; set cache.dir in the config")
	}
	return filepath.Join(base, "regcred", "logins"), nil
}
