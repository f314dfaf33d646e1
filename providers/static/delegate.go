package static

import (
	"context"
	"errors"
	"fmt"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/helperexec"
	"github.com/regcred/regcred/providers/static/staticread"
)

// fromHelper asks the helper the file names for req, as docker would. ok
// is false when the file names none, the helper holds nothing for the
// registry, or it is not installed here (then note says so): the file's
// own entries are read next, as docker falls back to them.
func (p *Provider) fromHelper(ctx context.Context, df staticread.DockerFile, path string, req providers.Request) (cred providers.Credential, note string, ok bool, err error) {
	name, setting := df.HelperFor(req.Registry)
	if name == "" {
		return cred, "", false, nil
	}
	said := fmt.Sprintf("the file defers to %s %s", setting, staticread.QuoteShort(name))
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
