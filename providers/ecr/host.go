package ecr

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/regcred/regcred/providers"
)

// Where these lists come from (checked 2025, keep them in step):
//   - IPv4 registry suffixes: the dnsSuffix of every partition in the SDK's
//     partitions.json (aws-sdk-go-v2 internal/endpoints/awsrulesfn), which is
//     also the list awslabs/amazon-ecr-credential-helper
//     (ecr-login/api/client.go, ecrPattern) accepts;
//   - dual-stack registry suffixes: the AWS General Reference "Amazon ECR
//     endpoints and quotas" (<id>.dkr-ecr[-fips].<region>.on.aws) and the same
//     ecrPattern (on.amazonwebservices.com.cn for China).
//
// Both lists only grow when AWS documents a new partition; a host outside
// them is refused rather than guessed at, because the regex is what keeps a
// token away from look-alike hosts.
// ipv4Suffixes are the registry DNS suffixes of each partition.
func ipv4Suffixes() []string {
	return []string{
		"amazonaws.com",    // aws, aws-us-gov
		"amazonaws.com.cn", // aws-cn
		"amazonaws.eu",     // aws-eusc
		"c2s.ic.gov",       // aws-iso
		"sc2s.sgov.gov",    // aws-iso-b
		"cloud.adc-e.uk",   // aws-iso-e
		"csp.hci.ic.gov",   // aws-iso-f
	}
}

// dualStackSuffixes are the suffixes of <id>.dkr-ecr[-fips].<region>.<suffix>.
func dualStackSuffixes() []string {
	return []string{"on.aws", "on.amazonwebservices.com.cn"}
}

// publicHosts are the ECR Public registry hosts.
func publicHosts() []string {
	return []string{
		"public.ecr.aws",     // IPv4
		"ecr-public.aws.com", // dual-stack
	}
}

// privateHost is anchored at both ends, so "….amazonaws.com.evil.example"
// and "evil123456789012.dkr…" never match. The account is exactly twelve
// digits and the region one DNS label.
var privateHost = lazyRegexp(`^(\d{12})\.dkr([.-])ecr(-fips)?\.([a-z0-9][a-z0-9-]*)\.(` +
	suffixAlternation() + `)$`)

func suffixAlternation() string {
	var quoted []string
	for _, list := range [][]string{ipv4Suffixes(), dualStackSuffixes()} {
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
	for _, h := range publicHosts() {
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

// DefaultPatterns are the match patterns of the built-in ECR entry: ECR
// private in every partition (IPv4 and dual-stack, with and without FIPS)
// and ECR Public. They are per-label globs, looser than the check Credential
// makes, which refuses any host that is not really ECR.
func DefaultPatterns() []string {
	var out []string
	for _, s := range ipv4Suffixes() {
		out = append(out, "*.dkr.ecr.*."+s, "*.dkr.ecr-fips.*."+s)
	}
	for _, s := range dualStackSuffixes() {
		out = append(out, "*.dkr-ecr.*."+s, "*.dkr-ecr-fips.*."+s)
	}
	return append(out, publicHosts()...)
}
