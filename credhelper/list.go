package credhelper

import (
	"context"

	"github.com/regcred/regcred/providers/static"
)

// listing answers `list`: the configured exact registries, with the
// username each would use where the config says it without asking a
// backend, and the registries with a stored `docker login`, with its
// username. Globbed patterns are left out: they name no server a client
// could use. No backend is touched.
func listing(ctx context.Context, r *Resolver) map[string]string {
	out := map[string]string{}
	// Built-in entries are globs or cloud hosts nobody configured here.
	for _, e := range r.Entries()[:r.configEntries] {
		p := e.Pattern()
		if p.HasGlob() {
			continue
		}
		reg := p.HostPort()
		if _, seen := out[reg]; seen {
			continue
		}
		out[reg] = ""
		if s, ok := e.Settings().(*static.Config); ok {
			out[reg] = s.Username
		}
	}
	if r.logins == nil {
		return out
	}
	regs, err := r.logins.Registries(ctx)
	if err != nil {
		r.log.Warn("listing stored logins failed", "error", err)
	}
	for _, reg := range regs {
		if out[reg] != "" {
			continue
		}
		cred, ok, err := r.logins.Get(ctx, reg)
		if err != nil {
			r.log.Warn("a stored login cannot be read; `docker login` again replaces it", "registry", reg, "error", err)
			continue
		}
		if !ok {
			continue
		}
		out[reg] = cred.Username
	}
	return out
}
