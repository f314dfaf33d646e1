package static

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// fromDockerConfig answers from the dockerConfig file: the most specific
// entry whose key covers the request and which holds a credential.
func (p *Provider) fromDockerConfig(ctx context.Context, req providers.Request) (providers.Credential, error) {
	data, path, err := p.readFile(ctx, "docker config", p.cfg.DockerConfig)
	if err != nil {
		return providers.Credential{}, err
	}
	df, err := parseDockerFile(data)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: docker config %s: %v", providers.ErrInvalid, path, err)
	}
	target, err := matcher.Normalize("https://" + req.Registry)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: registry in the request: %v", providers.ErrInvalid, err)
	}
	target.Path = req.Repository
	cred, note, ok, err := p.fromHelper(ctx, df, path, req)
	if ok || err != nil {
		return cred, err
	}
	keys, patterns := p.keyPatterns(df, path)
	matched := matcher.Order(patterns, target)
	for _, i := range matched {
		cred, ok, err := entryCredential(df.entries[keys[i]])
		if err != nil {
			return providers.Credential{}, fmt.Errorf("%w: docker config %s: entry %s: %v", providers.ErrInvalid, path, quoteShort(keys[i]), err)
		}
		if ok {
			p.logger.Debug("static: docker config entry selected", "file", path, "key", keys[i])
			return cred, nil
		}
	}
	return providers.Credential{}, notFound(path, target, len(matched), note)
}

// keyPatterns parses the file's keys as patterns, in sorted key order so
// equal keys ("docker.io", "https://index.docker.io/v1/") tie the same
// way every time. Keys that are no registry are logged and left out.
func (p *Provider) keyPatterns(df dockerFile, path string) ([]string, []matcher.Pattern) {
	keys := make([]string, 0, len(df.entries))
	for k := range df.entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	kept, patterns := keys[:0], make([]matcher.Pattern, 0, len(keys))
	for _, k := range keys {
		pat, err := matcher.ParsePattern(k)
		if err != nil {
			p.logger.Debug("static: docker config key skipped", "file", path, "error", err)
			continue
		}
		kept = append(kept, k)
		patterns = append(patterns, pat)
	}
	return kept, patterns
}

// entryCredential follows docker's reading of an entry: "auth" overrides
// username and password, and an identity token is answered as the
// username "<token>". ok is false for an entry without a secret (Docker
// Desktop leaves empty entries when a credsStore holds the password).
func entryCredential(e authEntry) (cred providers.Credential, ok bool, err error) {
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

func notFound(path string, t matcher.Target, matched int, note string) error {
	what := "has no entry for"
	if matched > 0 {
		what = "holds no password or token for"
	}
	return fmt.Errorf("%w: docker config %s %s %s%s", providers.ErrNotFound, path, what, t, note)
}
