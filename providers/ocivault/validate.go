package ocivault

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/lazyregexp"
	"github.com/regcred/regcred/providers/oci/ociauth"
)

// OCIDs are ocid1.<type>.<realm>.[region][.future].<unique>.
var (
	secretOCID = lazyregexp.New(`^ocid1\.vaultsecret\.[a-z0-9]+\.[a-z0-9-]*(\.[a-z0-9-]*)?\.[a-z0-9]+$`)
	vaultOCID  = lazyregexp.New(`^ocid1\.vault\.[a-z0-9]+\.[a-z0-9-]*(\.[a-z0-9-]*)?\.[a-z0-9]+$`)
)

// stages are the API's rotation states.
func stages() []string {
	return []string{"CURRENT", "LATEST", "PENDING", "PREVIOUS", "DEPRECATED"}
}

// Validate checks the settings without reading files or the network. Its
// errors name the setting and never quote a value that failed: it may be a
// secret typed in the wrong place.
func (c Config) Validate() error {
	if err := c.validateSecret(); err != nil {
		return err
	}
	if c.Stage != "" && !isStage(c.Stage) {
		return invalid("stage is not one of %s", strings.Join(stages(), ", "))
	}
	if c.VersionNumber < 0 {
		return invalid("versionNumber %d must be a positive version number", c.VersionNumber)
	}
	if c.VersionNumber > 0 && c.Stage != "" {
		return invalid("set stage or versionNumber, not both")
	}
	if c.Endpoint != "" {
		if _, err := ociauth.ParseEndpoint("ocivault", "endpoint", c.Endpoint); err != nil {
			return err
		}
	}
	return c.Settings().Validate()
}

func (c Config) validateSecret() error {
	switch {
	case c.SecretID != "" && (c.SecretName != "" || c.VaultID != ""):
		return invalid("set secretId, or secretName with vaultId, not both")
	case c.SecretID != "":
		if !secretOCID().MatchString(c.SecretID) {
			return invalid("secretId is not a secret OCID (ocid1.vaultsecret.…)")
		}
	case c.SecretName == "" && c.VaultID == "":
		return invalid("set secretId (the secret's OCID), or secretName with vaultId")
	case c.SecretName == "":
		return invalid("vaultId needs secretName (or use secretId alone)")
	case c.VaultID == "":
		return invalid("secretName needs vaultId, the OCID of the vault holding it")
	default:
		if len(c.SecretName) > 255 || strings.IndexFunc(c.SecretName, unicode.IsControl) >= 0 || strings.TrimSpace(c.SecretName) != c.SecretName {
			return invalid("secretName is not a secret name (at most 255 characters, no control characters or surrounding spaces)")
		}
		if !vaultOCID().MatchString(c.VaultID) {
			return invalid("vaultId is not a vault OCID (ocid1.vault.…)")
		}
	}
	return nil
}

func isStage(s string) bool {
	for _, st := range stages() {
		if strings.EqualFold(s, st) {
			return true
		}
	}
	return false
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: ocivault: %s", providers.ErrInvalid, fmt.Sprintf(format, args...))
}
