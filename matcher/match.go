package matcher

import (
	"path"
	"strings"
)

// Match reports whether p covers t. Hosts compare label by label (a glob
// covers exactly one label), ports must be equal, and a pattern's path
// covers a repository at '/' boundaries only. A target without a path (what
// docker sends) is covered by every pattern of its host, path or not.
// t must come from Normalize.
func (p Pattern) Match(t Target) bool {
	if p.host == "" || p.port != t.Port || !p.matchHost(t.Host) {
		return false
	}
	if p.path == "" || t.Path == "" || p.path == t.Path {
		return true
	}
	return len(t.Path) > len(p.path) && t.Path[len(p.path)] == '/' && strings.HasPrefix(t.Path, p.path)
}

func (p Pattern) matchHost(host string) bool {
	if !p.glob {
		return p.host == host
	}
	if strings.HasPrefix(host, "[") {
		return false // a glob names DNS labels, never an address
	}
	pat := p.host
	for {
		pl, prest, pmore := strings.Cut(pat, ".")
		hl, hrest, hmore := strings.Cut(host, ".")
		if ok, _ := path.Match(pl, hl); !ok || pmore != hmore {
			return false
		}
		if !pmore {
			return true
		}
		pat, host = prest, hrest
	}
}
