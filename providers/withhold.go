package providers

import "strings"

// Withheld stands, in a message shown to people, for a field whose text
// contains a credential.
const Withheld = "[withheld: it contains the credential]"

// WithholdQuoted returns text, or Withheld when text contains one of
// secrets (empty ones are ignored). The whole field goes, not each
// occurrence: masking every occurrence of a short secret ("p") mangles
// every word holding that letter, and shows where the secret was.
func WithholdQuoted(text string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			return Withheld
		}
	}
	return text
}
