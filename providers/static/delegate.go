package static

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/helperexec"
)

// helperFor is the helper docker would ask for registry with this file:
// the credHelpers entry for its host, else the credsStore; "" for none.
// setting names where the file says so, for messages.
func (df dockerFile) helperFor(registry string) (name, setting string) {
	keys := make([]string, 0, len(df.credHelpers))
	for k := range df.credHelpers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if t, err := matcher.Normalize(k); err == nil && t.Registry() == registry && df.credHelpers[k] != "" {
			return df.credHelpers[k], "credHelpers[" + quoteShort(k) + "]"
		}
	}
	return df.credsStore, "credsStore"
}

// fromHelper asks the helper the file names for req, as docker would. ok
// is false when the file names none, the helper holds nothing for the
// registry, or it is not installed here (then note says so): the file's
// own entries are read next, as docker falls back to them.
func (p *Provider) fromHelper(ctx context.Context, df dockerFile, path string, req providers.Request) (cred providers.Credential, note string, ok bool, err error) {
	name, setting := df.helperFor(req.Registry)
	if name == "" {
		return cred, "", false, nil
	}
	said := fmt.Sprintf("the file defers to %s %s", setting, quoteShort(name))
	exe, err := helperexec.Find(name, "")
	switch {
	case errors.Is(err, providers.ErrUnavailable):
		p.logger.Debug("static: docker config names a helper that is not installed", "file", path, "helper", name, "error", err)
		return cred, fmt.Sprintf(" (%s, but %s%s is not installed here)", said, helperexec.Prefix, name), false, nil
	case err != nil:
		return cred, "", false, fmt.Errorf("docker config %s: %w", path, err)
	}
	cred, err = helperexec.Get(ctx, p.logger, exe, helperexec.ServerFor(req.Registry))
	if errors.Is(err, providers.ErrNotFound) {
		return cred, fmt.Sprintf(" (%s, which holds nothing for it either)", said), false, nil
	}
	if err != nil {
		return cred, "", false, fmt.Errorf("docker config %s: %w", path, err)
	}
	p.logger.Debug("static: docker config helper answered", "file", path, "helper", name)
	return cred, "", true, nil
}

// helperNames reads credsStore and credHelpers from a config.json.
func helperNames(top map[string]json.RawMessage) (store string, helpers map[string]string) {
	store = jsonString(top["credsStore"])
	if raw, ok := top["credHelpers"]; ok {
		_ = json.Unmarshal(raw, &helpers) // not a map of strings: none docker could use
	}
	return store, helpers
}
