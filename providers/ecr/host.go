package ecr

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/regcred/regcred/providers"
)

// privateHost is anchored at both ends, so "….amazonaws.com.evil.example"
// and "evil123456789012.dkr…" never match. The account is exactly twelve
// digits and the region one DNS label. The suffixes are the ones the
// built-in patterns are made of (patterns.go), so the two cannot drift apart.
// It is compiled on first use, not at package init: most helper processes
// never ask ECR.
var privateHost = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(\d{12})\.dkr([.-])ecr(-fips)?\.([a-z0-9][a-z0-9-]*)\.(` +
		suffixAlternation() + `)$`)
})

func suffixAlternation() string {
	var quoted []string
	for _, list := range [][]string{IPv4Suffixes(), DualStackSuffixes()} {
		for _, s := range list {
			quoted = append(quoted, regexp.QuoteMeta(s))
		}
	}
	return strings.Join(quoted, "|")
}

// publicRegion is the only region that serves the ECR Public API.
const publicRegion = "us-east-1"

// target is what a registry host says about the token it needs.
type target struct {
	host      string
	public    bool
	account   string // private only
	region    string
	fips      bool // the host is a FIPS registry endpoint
	dualStack bool // the host is a dual-stack registry endpoint
}

// parseHost checks registry (host[:port], lower-case) against the anchored
// ECR host patterns. Anything else is refused: the glob patterns that route
// requests here are looser than this check.
func parseHost(registry string) (target, error) {
	for _, h := range PublicHosts() {
		if registry == h {
			return target{host: registry, public: true, region: publicRegion, dualStack: h == "ecr-public.aws.com"}, nil
		}
	}
	m := privateHost().FindStringSubmatch(registry)
	if m == nil {
		return target{}, fmt.Errorf("ecr: %q is not an Amazon ECR registry host (expected <12-digit account>.dkr.ecr.<region>.amazonaws.com or a FIPS, dual-stack or other-partition form of it, or public.ecr.aws): refusing to send an ECR token there: %w", registry, providers.ErrInvalid)
	}
	return target{
		host:      registry,
		account:   m[1],
		fips:      m[3] == "-fips",
		region:    m[4],
		dualStack: m[2] == "-",
	}, nil
}
