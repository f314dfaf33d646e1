package staticread

import (
	"errors"
	"slices"
	"strings"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// HelperFor is the helper docker would ask for registry with this file:
// the credHelpers entry for its host, else the credsStore; "" for none.
// setting names where the file says so, for messages.
func (df DockerFile) HelperFor(registry string) (name, setting string) {
	keys := make([]string, 0, len(df.CredHelpers))
	for k := range df.CredHelpers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if t, err := matcher.Normalize(k); err == nil && t.Registry() == registry && df.CredHelpers[k] != "" {
			return df.CredHelpers[k], "credHelpers[" + QuoteShort(k) + "]"
		}
	}
	return df.CredsStore, "credsStore"
}

// Selection is the file's answer for a request, its own entries alone.
type Selection struct {
	// Key is the entry that answered Cred ("" when none did).
	Key  string
	Cred providers.Credential
	// Matched counts the keys covering the request; Skipped holds the
	// keys that are no registry, left out (the backend logs them at debug).
	Matched int
	Skipped []error
}

// Select answers t from the file's entries: the most specific key that
// covers t and holds a credential. A matching entry that cannot be read is
// an error naming its key.
func (df DockerFile) Select(t matcher.Target) (Selection, error) {
	var sel Selection
	keys, patterns := df.keyPatterns(&sel)
	matched := matcher.Order(patterns, t)
	sel.Matched = len(matched)
	for _, i := range matched {
		cred, ok, err := EntryCredential(df.Entries[keys[i]])
		if err != nil {
			return sel, &EntryError{Key: keys[i], Err: err}
		}
		if ok {
			sel.Key, sel.Cred = keys[i], cred
			return sel, nil
		}
	}
	return sel, nil
}

// EntryError is an entry of the file that cannot be read.
type EntryError struct {
	Key string
	Err error
}

func (e *EntryError) Error() string { return "entry " + QuoteShort(e.Key) + ": " + e.Err.Error() }
func (e *EntryError) Unwrap() error { return e.Err }

// keyPatterns parses the file's keys as patterns, in sorted key order so
// equal keys ("docker.io", "https://index.docker.io/v1/") tie the same
// way every time. Keys that are no registry are left out, in sel.Skipped.
func (df DockerFile) keyPatterns(sel *Selection) ([]string, []matcher.Pattern) {
	keys := make([]string, 0, len(df.Entries))
	for k := range df.Entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	kept, patterns := keys[:0], make([]matcher.Pattern, 0, len(keys))
	for _, k := range keys {
		pat, err := matcher.ParsePattern(k)
		if err != nil {
			sel.Skipped = append(sel.Skipped, err)
			continue
		}
		kept = append(kept, k)
		patterns = append(patterns, pat)
	}
	return kept, patterns
}

// EntryCredential follows docker's reading of an entry: "auth" overrides
// username and password, and an identity token is answered as the
// username "<token>". ok is false for an entry without a secret (Docker
// Desktop leaves empty entries when a credsStore holds the password).
func EntryCredential(e AuthEntry) (cred providers.Credential, ok bool, err error) {
	if e.IdentityToken != "" {
		return providers.Credential{Username: "<token>", Secret: providers.Secret(e.IdentityToken)}, true, nil
	}
	user, pass := e.Username, e.Password
	if e.Auth != "" {
		dec, err := decodeBase64(e.Auth)
		if err != nil {
			return cred, false, errors.New(`"auth" is not base64`)
		}
		var found bool
		if user, pass, found = strings.Cut(string(dec), ":"); !found {
			return cred, false, errors.New(`"auth" does not decode to user:password`)
		}
	}
	if pass == "" {
		return cred, false, nil
	}
	return providers.Credential{Username: user, Secret: providers.Secret(pass)}, true, nil
}
