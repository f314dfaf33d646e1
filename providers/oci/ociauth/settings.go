package ociauth

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/lazyregexp"
)

// Auth methods, as written in the `auth` setting.
const (
	AuthConfigFile          = "config_file"
	AuthSessionToken        = "session_token"
	AuthInstancePrincipal   = "instance_principal"
	AuthResourcePrincipal   = "resource_principal"
	AuthOKEWorkloadIdentity = "oke_workload_identity"
)

// authNames maps every accepted spelling to its method. The OCI CLI's
// `--auth` names (api_key, security_token) are accepted too, so a setting
// copied from a CLI command line works.
func authNames() map[string]string {
	return map[string]string{
		"":                      AuthConfigFile,
		AuthConfigFile:          AuthConfigFile,
		"api_key":               AuthConfigFile,
		AuthSessionToken:        AuthSessionToken,
		"security_token":        AuthSessionToken,
		AuthInstancePrincipal:   AuthInstancePrincipal,
		AuthResourcePrincipal:   AuthResourcePrincipal,
		AuthOKEWorkloadIdentity: AuthOKEWorkloadIdentity,
	}
}

// Settings are the identity settings both OCI kinds share. The kinds copy
// them out of their own Config so the config loader sees plain fields.
type Settings struct {
	// Kind names the config block in error messages ("ocivault", "ocir").
	Kind string
	// Auth is one of the Auth* methods (or an accepted alias); empty is
	// config_file.
	Auth string
	// ConfigFile is the OCI config file for config_file and session_token;
	// empty: $OCI_CONFIG_FILE, $OCI_CLI_CONFIG_FILE, then ~/.oci/config.
	ConfigFile string
	// Profile in that file; empty: $OCI_CLI_PROFILE, then DEFAULT.
	Profile string
	// Region overrides the identity's region (e.g. us-ashburn-1 or iad).
	Region string
}

// Method is the canonical auth method; "" when the setting is unknown.
func (s Settings) Method() string {
	return authNames()[strings.ToLower(strings.TrimSpace(s.Auth))]
}

var regionRE = lazyregexp.New(`^[a-z][a-z0-9-]{1,62}$`)

// Validate checks the identity settings without touching files or network.
// Its errors name the setting and never quote a value that failed.
func (s Settings) Validate() error {
	m := s.Method()
	if m == "" {
		return fmt.Errorf("%w: %s: auth is not one of %s", providers.ErrInvalid, s.Kind, strings.Join(methodList(), ", "))
	}
	fileBased := m == AuthConfigFile || m == AuthSessionToken
	if !fileBased && (s.ConfigFile != "" || s.Profile != "") {
		return fmt.Errorf("%w: %s: configFile and profile apply to auth config_file and session_token, not %s", providers.ErrInvalid, s.Kind, m)
	}
	if s.ConfigFile != "" && (strings.TrimSpace(s.ConfigFile) == "" || hasControl(s.ConfigFile)) {
		return fmt.Errorf("%w: %s: configFile is not a usable path (blank or with control characters)", providers.ErrInvalid, s.Kind)
	}
	if s.Profile != "" && (strings.ContainsAny(s.Profile, "[]") || hasControl(s.Profile) || strings.TrimSpace(s.Profile) != s.Profile) {
		return fmt.Errorf("%w: %s: profile is not a profile name (written without brackets, spaces around it or control characters)", providers.ErrInvalid, s.Kind)
	}
	if s.Region != "" && !regionRE().MatchString(s.Region) {
		return fmt.Errorf("%w: %s: region is not an OCI region name or key (e.g. us-ashburn-1 or iad)", providers.ErrInvalid, s.Kind)
	}
	return nil
}

func methodList() []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range authNames() {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// EnvKeys lists the environment variables that select the identity for the
// settings' auth method, for the cache key.
func (s Settings) EnvKeys() []string {
	switch s.Method() {
	case AuthConfigFile, AuthSessionToken:
		var keys []string
		if s.ConfigFile == "" {
			keys = append(keys, EnvConfigFile, EnvCLIConfigFile, "HOME")
		}
		if s.Profile == "" {
			keys = append(keys, EnvCLIProfile)
		}
		return keys
	case AuthInstancePrincipal:
		return []string{EnvMetadataBaseURL, EnvAuthClientRegionURL}
	case AuthResourcePrincipal:
		return []string{
			EnvRPVersion, EnvRPST, EnvRPPrivatePEM, EnvRPPrivatePEMPassphrase, EnvRPRegion,
			"OCI_RESOURCE_PRINCIPAL_RPT_ENDPOINT", "OCI_RESOURCE_PRINCIPAL_RPST_ENDPOINT",
		}
	case AuthOKEWorkloadIdentity:
		return []string{
			EnvRPVersion, EnvRPRegion, EnvKubernetesServiceHost,
			EnvKubernetesSATokenPath, EnvKubernetesSACertPath,
		}
	}
	return nil
}

func hasControl(s string) bool {
	return strings.IndexFunc(s, unicode.IsControl) >= 0
}

// UsesPodIdentity is true for oke_workload_identity: in kubelet
// service-account mode the pod's token is exchanged for the workload's
// identity, and nothing of the node's takes part.
func (s Settings) UsesPodIdentity() bool { return s.Method() == AuthOKEWorkloadIdentity }
