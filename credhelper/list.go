package credhelper

// listing answers `list`: the configured exact registries and the username
// each would use where the config says it without asking a backend. Globbed
// patterns are left out: they name no server a client could use.
func listing(r *Resolver) map[string]string {
	out := map[string]string{}
	for _, e := range r.Entries() {
		p := e.pattern
		if p.HasGlob() {
			continue
		}
		reg := p.Host()
		if p.Port() != "" {
			reg += ":" + p.Port()
		}
		if _, seen := out[reg]; seen {
			continue
		}
		out[reg] = ""
		if e.Static != nil {
			out[reg] = e.Static.Username
		}
	}
	return out
}
