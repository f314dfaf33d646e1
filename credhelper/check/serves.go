package check

import (
	"fmt"

	"github.com/regcred/regcred/credhelper/config"

	"github.com/regcred/regcred/matcher"
)

// serves says, for people, which requests entries[i] answers and where it
// stands among entries with the same pattern.
func serves(entries []*config.Entry, i int) string {
	e := entries[i]
	p := e.Pattern()
	host := describeHost(p)
	var s string
	if p.Path() == "" {
		s = "every image on " + host
	} else {
		s = fmt.Sprintf("images under %s/%s/ and %s/%s itself (registry-only requests too, after the registry-wide entries)",
			p.HostPort(), p.Path(), p.HostPort(), p.Path())
		if p.HasGlob() {
			s += "; " + host
		}
	}
	for j := 0; j < i; j++ {
		prev := entries[j]
		if prev.Pattern().String() != p.String() {
			continue
		}
		if prev.Kind() == "anonymous" {
			return fmt.Sprintf("never used: entry %d has the same pattern and is anonymous, which ends the search", j+1)
		}
		return s + fmt.Sprintf("; fallback after entry %d (same pattern)", j+1)
	}
	return s
}

func describeHost(p matcher.Pattern) string {
	hp := p.HostPort()
	switch {
	case p.HasGlob():
		return "hosts matching " + hp + " (each * is exactly one label)"
	case p.Host() == "docker.io":
		return "Docker Hub (docker.io, index.docker.io, registry-1.docker.io)"
	}
	return hp
}
