package gcr

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/regcred/regcred/providers"
)

// ADCFile is the name gcloud gives the Application Default Credentials it
// writes with `gcloud auth application-default login`.
const ADCFile = "application_default_credentials.json"

// GcloudConfigDir is gcloud's configuration directory on goos, or "" and
// why there is none: $CLOUDSDK_CONFIG, else %APPDATA%\gcloud on Windows,
// else ~/.config/gcloud.
func GcloudConfigDir(lookupEnv func(string) (string, bool), goos string) (dir, why string) {
	getenv := func(k string) string { v, _ := lookupEnv(k); return v }
	if dir := getenv("CLOUDSDK_CONFIG"); dir != "" {
		return dir, ""
	}
	if goos == "windows" {
		if dir := getenv("APPDATA"); dir != "" {
			return filepath.Join(dir, "gcloud"), ""
		}
		return "", "neither CLOUDSDK_CONFIG nor APPDATA is set"
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "gcloud"), ""
	}
	return "", "neither CLOUDSDK_CONFIG nor HOME is set"
}

// GcloudADCPath is where gcloud keeps the ADC file on goos, or "" and why
// there is none to look at.
func GcloudADCPath(lookupEnv func(string) (string, bool), goos string) (path, why string) {
	dir, why := GcloudConfigDir(lookupEnv, goos)
	if dir == "" {
		return "", why + " (no gcloud ADC file to look for)"
	}
	return filepath.Join(dir, ADCFile), ""
}

// IdentityFiles implements providers.IdentityFiles: the one credentials
// file the backend would read, in its order (credentialsFile, else
// GOOGLE_APPLICATION_CREDENTIALS, else gcloud's ADC file). Its content —
// which service account, which user login, which federation or
// impersonation — is the identity, and `gcloud auth application-default
// login` rewrites it in place. A file that file points to (an external
// account's subject token) is left out: it rotates for the same identity.
// The impersonation target is an entry setting, in the key already. With
// source gcloud they are gcloud's active configuration files
// (gcloudIdentityFiles); in kubelet service-account mode and with idToken
// there are none: the pod's token and annotations, or the identity
// token's claims, are the identity.
func (c Config) IdentityFiles(lookupEnv func(string) (string, bool)) []string {
	switch {
	case c.Source == SourceGcloud:
		return gcloudIdentityFiles(lookupEnv, runtime.GOOS)
	case c.federated():
		return nil
	}
	if f := c.CredentialsFile; f != "" {
		if path, ok := providers.ExpandHome(f, lookupEnv); ok {
			return []string{path}
		}
		return []string{f}
	}
	if f, ok := lookupEnv("GOOGLE_APPLICATION_CREDENTIALS"); ok && f != "" {
		return []string{f}
	}
	if path, _ := GcloudADCPath(lookupEnv, runtime.GOOS); path != "" {
		return []string{path}
	}
	return nil
}

// gcloudIdentityFiles are the files that say which login gcloud uses:
// active_config (the name of the active configuration) and that
// configuration's file, whose [core] account `gcloud auth login` and
// `gcloud config set account` write. Reading active_config here is one
// small read: the cache key must follow a switch of configuration.
func gcloudIdentityFiles(lookupEnv func(string) (string, bool), goos string) []string {
	dir, _ := GcloudConfigDir(lookupEnv, goos)
	if dir == "" {
		return nil
	}
	active := filepath.Join(dir, "active_config")
	name, _ := lookupEnv("CLOUDSDK_ACTIVE_CONFIG_NAME")
	if name == "" {
		name = readActiveConfig(active)
	}
	return []string{active, filepath.Join(dir, "configurations", "config_"+name)}
}

// readActiveConfig reads gcloud's active_config: the configuration's name,
// "default" when the file is absent, empty or not a plain name.
func readActiveConfig(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return "default"
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, 256))
	name := string(bytes.TrimSpace(b))
	if name == "" || strings.ContainsAny(name, `/\`) || hasControl(name) || name == "." || name == ".." {
		return "default"
	}
	return name
}
