package gcr

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/regcred/regcred/providers"
)

// gcloudNotFound says what to do when there is no gcloud to run.
const gcloudNotFound = "install the Google Cloud CLI (https://cloud.google.com/sdk/docs/install) or set this entry's gcloudPath"

// gcloudExe is the gcloud to run: gcloudPath ("~/" expanded), else the
// first gcloud on PATH as the environment gives it. A relative PATH entry
// is skipped, as os/exec does since Go 1.19: the working directory must
// not choose what runs with the user's login.
func (p *Provider) gcloudExe() (string, error) {
	if path := p.cfg.GcloudPath; path != "" {
		expanded, ok := providers.ExpandHome(path, p.deps.LookupEnv)
		if !ok {
			return "", fmt.Errorf("%w: gcr: gcloudPath %s starts with \"~/\", which needs HOME, and HOME is not set", providers.ErrInvalid, path)
		}
		if err := isExecutable(expanded); err != nil {
			return "", fmt.Errorf("%w: gcr: gcloudPath %s: %v; %s", providers.ErrNoIdentity, providers.ShowPath(expanded), err, gcloudNotFound)
		}
		return expanded, nil
	}
	for _, dir := range filepath.SplitList(p.getenv("PATH")) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		for _, name := range gcloudNames(runtime.GOOS) {
			if exe := filepath.Join(dir, name); isExecutable(exe) == nil {
				return exe, nil
			}
		}
	}
	return "", fmt.Errorf("%w: gcr: gcloud is not on PATH; %s", providers.ErrNoIdentity, gcloudNotFound)
}

// gcloudNames are the names gcloud is installed under: a shell script on
// Unix, a batch file on Windows.
func gcloudNames(goos string) []string {
	if goos == "windows" {
		return []string{"gcloud.cmd", "gcloud.exe", "gcloud.bat"}
	}
	return []string{"gcloud"}
}

// isExecutable: a regular file (links followed) with an execute bit.
func isExecutable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file")
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return pe.Err
		}
		return err
	case !fi.Mode().IsRegular():
		return errors.New("not a regular file")
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0:
		return errors.New("not executable")
	}
	return nil
}

// gcloudEnvKeys are the variables that choose gcloud's login: its
// configuration directory (CLOUDSDK_CONFIG, else under HOME or APPDATA),
// the configuration, the account, and the auth overrides.
func gcloudEnvKeys() []string {
	return []string{
		"CLOUDSDK_CONFIG", "HOME", "APPDATA",
		"CLOUDSDK_ACTIVE_CONFIG_NAME", "CLOUDSDK_CORE_ACCOUNT",
		"CLOUDSDK_AUTH_ACCESS_TOKEN_FILE", "CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE",
		"CLOUDSDK_AUTH_IMPERSONATE_SERVICE_ACCOUNT",
	}
}
