package ocisdk

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ocivault/ociauth"
)

// DefaultProfile is the config file profile used when none is named.
const DefaultProfile = "DEFAULT"

// ConfigFilePath is the config file the settings select: configFile, else
// $OCI_CONFIG_FILE, $OCI_CLI_CONFIG_FILE, else ~/.oci/config. A leading
// "~/" is the home directory.
func (id Identity) ConfigFilePath() string {
	p := id.Settings.ConfigFile
	for _, k := range []string{ociauth.EnvConfigFile, ociauth.EnvCLIConfigFile} {
		if p == "" {
			p = id.Deps.Getenv(k)
		}
	}
	if p == "" {
		p = "~/.oci/config"
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		p = filepath.Join(id.home(), rest)
	}
	return p
}

// ProfileName is the profile the settings select.
func (id Identity) ProfileName() string {
	if id.Settings.Profile != "" {
		return id.Settings.Profile
	}
	if v := id.Deps.Getenv(ociauth.EnvCLIProfile); v != "" {
		return v
	}
	return DefaultProfile
}

func (id Identity) home() string {
	if h := id.Deps.Getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// fileProvider reads an API-key (config_file) or session-token profile.
// The SDK reads the file, the key file and the token file named in it.
func (id Identity) fileProvider() (common.ConfigurationProvider, error) {
	method := id.Settings.Method()
	path, profile := id.ConfigFilePath(), id.ProfileName()
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("%w: %s: no OCI config file at %s (set configFile or %s): %w", providers.ErrNoIdentity, method, path, ociauth.EnvConfigFile, err)
	}
	var (
		cp  common.ConfigurationProvider
		err error
	)
	if method == ociauth.AuthSessionToken {
		cp, err = common.ConfigurationProviderForSessionTokenWithProfile(path, profile, "")
	} else {
		cp, err = common.ConfigurationProviderFromFileWithProfile(path, profile, "")
	}
	if err == nil {
		_, err = cp.KeyID()
	}
	if err == nil {
		_, err = cp.PrivateRSAKey()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: profile [%s] of %s: %s", providers.ErrNoIdentity, method, profile, path, firstLine(err.Error()))
	}
	return cp, nil
}
