package static

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/static/staticread"
)

// fromDockerConfig answers from the dockerConfig file: the helper it names
// for the registry, else the most specific entry whose key covers the
// request and which holds a credential (staticread, shared with the front).
func (p *Provider) fromDockerConfig(ctx context.Context, req providers.Request) (providers.Credential, error) {
	f, err := p.readFile(ctx, "docker config", p.cfg.DockerConfig)
	if err != nil {
		return providers.Credential{}, err
	}
	path := f.Path
	df, err := parseDockerFile(f.Data)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: docker config %s: %v", providers.ErrInvalid, path, err)
	}
	target, err := staticread.Target(req.Registry, req.Repository)
	if err != nil {
		return providers.Credential{}, fmt.Errorf("%w: registry in the request: %v", providers.ErrInvalid, err)
	}
	cred, note, ok, err := p.fromHelper(ctx, df, path, req)
	if ok || err != nil {
		return cred, err
	}
	sel, err := df.Select(target)
	for _, skipped := range sel.Skipped {
		p.logger.Debug("static: docker config key skipped", "file", path, "error", skipped)
	}
	switch {
	case err != nil:
		return providers.Credential{}, fmt.Errorf("%w: docker config %s: %v", providers.ErrInvalid, path, err)
	case sel.Key != "":
		p.logger.Debug("static: docker config entry selected", "file", path, "key", sel.Key)
		return sel.Cred, nil
	}
	return providers.Credential{}, notFound(path, target, sel.Matched, note)
}

func notFound(path string, t matcher.Target, matched int, note string) error {
	what := "has no entry for"
	if matched > 0 {
		what = "holds no password or token for"
	}
	return fmt.Errorf("%w: docker config %s %s %s%s", providers.ErrNotFound, path, what, t, note)
}
