package route

import (
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/configpath"
	"github.com/regcred/regcred/matcher"
)

// version changes whenever what a route means changes.
const version = "regcred-route/2"

// Inputs are what the engine's answer to a `get` depends on.
type Inputs struct {
	Target  matcher.Target
	Environ []string // KEY=VALUE, as os.Environ
	Config  configpath.Env
	Engine  string // the engine executable's path
}

// Key is the route's key: a hash, so it holds no value in clear.
func (in Inputs) Key() string {
	parts := []string{version, in.Target.String(), "engine", fileID(in.Engine, false)}
	paths, _ := configpath.Candidates("", in.Config)
	for _, p := range paths {
		parts = append(parts, "config", p, fileID(p, true))
	}
	return cache.Key(append(parts, relevantEnv(in.Environ)...)...)
}

// envPrefixes cover every variable a backend reads for its identity (the
// kinds' EnvKeys), the cache and login directories, the config lookup, the
// keyring's bus and regcred's own settings. A variable outside them that
// changed would not change the key, so the test of this list checks it
// against every kind's EnvKeys.
func envPrefixes() []string {
	return []string{"AWS_", "GOOGLE_", "CLOUDSDK_", "GCE_", "OCI_", "VAULT_", "KUBERNETES_",
		"AZURE_", "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IMDS_ENDPOINT", "MSI_ENDPOINT", "MSI_SECRET",
		"REGCRED_", "XDG_", "DBUS_", "DOCKER_CONFIG", "HOME", "APPDATA", "LOCALAPPDATA", "USERPROFILE"}
}

func relevant(name string) bool {
	upper := strings.ToUpper(name)
	for _, p := range envPrefixes() {
		if strings.HasPrefix(upper, p) {
			return true
		}
	}
	return false
}

// relevantEnv is the relevant variables, sorted, one part each.
func relevantEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if relevant(name) {
			out = append(out, "env "+kv)
		}
	}
	slices.Sort(out)
	return out
}

// fileID identifies a file's version without reading it: "absent", or its
// identity and metadata (fileStat differs by platform). For the config
// (config true) the mode counts (a group-writable config makes the engine
// warn) and so does the change time; the engine's new version is a new
// file, and its mode and change time are left out so that a chmod (as the
// tests do to prove the front answers alone) keeps its routes.
func fileID(path string, config bool) string {
	if path == "" {
		return "none"
	}
	fi, err := os.Stat(path)
	if err != nil {
		if os.IsNotExist(err) {
			return "absent"
		}
		return "unreadable"
	}
	id := fileStat(fi, config) + " " + strconv.FormatInt(fi.ModTime().UnixNano(), 10) + " " + strconv.FormatInt(fi.Size(), 10)
	if config {
		id += " " + fi.Mode().String()
	}
	return id
}
