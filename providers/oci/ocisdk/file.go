package ocisdk

import (
	"fmt"
	"os"

	"github.com/oracle/oci-go-sdk/v65/common"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ociauth"
)

// ConfigFilePath is the config file the settings select (see
// ociauth.Settings.ConfigFilePath).
func (id Identity) ConfigFilePath() string {
	return id.Settings.ConfigFilePath(id.Deps.LookupEnv)
}

// ProfileName is the profile the settings select.
func (id Identity) ProfileName() string {
	return id.Settings.ProfileName(id.Deps.LookupEnv)
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
