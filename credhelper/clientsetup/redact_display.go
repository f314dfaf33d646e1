package clientsetup

import "regexp"

// redactDockerSecrets masks the secret members of a docker config.json
// (`auth`, `password`, `identitytoken`, `registrytoken`) in text shown to a
// person — a dry-run diff, a printed snippet — which may end up in a
// terminal log or a ticket. The file written keeps them as they were.
func redactDockerSecrets(data []byte) []byte {
	re := regexp.MustCompile(`("(?:auth|password|identitytoken|registrytoken)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	return re.ReplaceAll(data, []byte(`$1"<redacted>"`))
}
