package vault

import (
	"path/filepath"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ambientfiles"
)

// EnvKeys implements providers.AmbientEnv: the variables whose values
// select the Vault server and identity.
func (c Config) EnvKeys() []string {
	keys := []string{"VAULT_ADDR", "VAULT_NAMESPACE", "VAULT_TOKEN"}
	switch c.Method() {
	case MethodToken:
		if c.Auth.TokenFile == "" {
			keys = append(keys, "HOME") // ~/.vault-token
		}
	case MethodCert:
		keys = append(keys, "VAULT_CLIENT_CERT", "VAULT_CLIENT_KEY")
	case MethodAWS:
		keys = append(keys, awsIdentityEnv()...)
	}
	return keys
}

// IdentityFiles implements providers.IdentityFiles: with the token method,
// the token file (tokenFile, else ~/.vault-token) is the identity, and
// `vault login` rewrites it in place; with the aws method, the AWS shared
// credentials and config files, whose content selects the AWS identity
// that logs in.
func (c Config) IdentityFiles(lookupEnv func(string) (string, bool)) []string {
	switch c.Method() {
	case MethodToken:
	case MethodAWS:
		return ambientfiles.AWS(lookupEnv)
	default:
		return nil
	}
	if c.Auth.TokenFile != "" {
		if path, ok := providers.ExpandHome(c.Auth.TokenFile, lookupEnv); ok {
			return []string{path}
		}
		return []string{c.Auth.TokenFile}
	}
	if home, ok := lookupEnv("HOME"); ok && home != "" {
		return []string{filepath.Join(home, ".vault-token")}
	}
	return nil
}

// awsIdentityEnv are the variables the AWS SDK's default chain reads to
// pick an identity.
func awsIdentityEnv() []string {
	return []string{
		"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
	}
}
