package gcr

import (
	"path/filepath"
	"runtime"

	"github.com/regcred/regcred/providers"
)

// ADCFile is the name gcloud gives the Application Default Credentials it
// writes with `gcloud auth application-default login`.
const ADCFile = "application_default_credentials.json"

// GcloudADCPath is where gcloud keeps the ADC file on goos, or "" and why
// there is none to look at: $CLOUDSDK_CONFIG, else %APPDATA%\gcloud on
// Windows, else ~/.config/gcloud.
func GcloudADCPath(lookupEnv func(string) (string, bool), goos string) (path, why string) {
	getenv := func(k string) string { v, _ := lookupEnv(k); return v }
	if dir := getenv("CLOUDSDK_CONFIG"); dir != "" {
		return filepath.Join(dir, ADCFile), ""
	}
	if goos == "windows" {
		if dir := getenv("APPDATA"); dir != "" {
			return filepath.Join(dir, "gcloud", ADCFile), ""
		}
		return "", "neither CLOUDSDK_CONFIG nor APPDATA is set (no gcloud ADC file to look for)"
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".config", "gcloud", ADCFile), ""
	}
	return "", "neither CLOUDSDK_CONFIG nor HOME is set (no gcloud ADC file to look for)"
}

// IdentityFiles implements providers.IdentityFiles: the one credentials
// file the backend would read, in its order (credentialsFile, else
// GOOGLE_APPLICATION_CREDENTIALS, else gcloud's ADC file). Its content —
// which service account, which user login, which federation or
// impersonation — is the identity, and `gcloud auth application-default
// login` rewrites it in place. A file that file points to (an external
// account's subject token) is left out: it rotates for the same identity.
// The impersonation target is an entry setting, in the key already.
func (c Config) IdentityFiles(lookupEnv func(string) (string, bool)) []string {
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
