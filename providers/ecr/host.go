package ecr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/regcred/regcred/providers"
)

// privateTarget matches registry against
//
//	<12 digits>.dkr(.|-)ecr[-fips].<region>.<suffix>
//
// anchored at both ends, so "….amazonaws.com.evil.example" and
// "evil123456789012.dkr…" never match. The region is one DNS label
// ([a-z0-9][a-z0-9-]*), the suffix one of IPv4Suffixes or
// DualStackSuffixes (the ones the built-in patterns are made of, so the two
// cannot drift apart). It is written by hand rather than as a regular
// expression because a cold get would compile that expression for one
// match; FuzzPrivateTarget holds it equal to the expression it replaced.
func privateTarget(registry string) (target, bool) {
	const accountLen = 12
	if len(registry) < accountLen {
		return target{}, false
	}
	t := target{host: registry, account: registry[:accountLen]}
	for _, c := range []byte(t.account) {
		if c < '0' || c > '9' {
			return target{}, false
		}
	}
	rest, ok := strings.CutPrefix(registry[accountLen:], ".dkr")
	if !ok {
		return target{}, false
	}
	if rest, ok = strings.CutPrefix(rest, ".ecr"); !ok {
		if rest, ok = strings.CutPrefix(rest, "-ecr"); !ok {
			return target{}, false
		}
		t.dualStack = true
	}
	rest, t.fips = strings.CutPrefix(rest, "-fips")
	if rest, ok = strings.CutPrefix(rest, "."); !ok {
		return target{}, false
	}
	region, suffix, ok := strings.Cut(rest, ".")
	if !ok || !isRegionLabel(region) || !isSuffix(suffix) {
		return target{}, false
	}
	t.region = region
	return t, true
}

// isRegionLabel reports whether s is [a-z0-9][a-z0-9-]*.
func isRegionLabel(s string) bool {
	if s == "" || s[0] == '-' {
		return false
	}
	for _, c := range []byte(s) {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

func isSuffix(s string) bool {
	return slices.Contains(IPv4Suffixes(), s) || slices.Contains(DualStackSuffixes(), s)
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
	t, ok := privateTarget(registry)
	if !ok {
		return target{}, fmt.Errorf("ecr: %q is not an Amazon ECR registry host (expected <12-digit account>.dkr.ecr.<region>.amazonaws.com or a FIPS, dual-stack or other-partition form of it, or public.ecr.aws): refusing to send an ECR token there: %w", registry, providers.ErrInvalid)
	}
	return t, nil
}
