package ecr

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// privateHostRE is the regular expression privateTarget replaced; it stays
// here as the specification the hand-written matcher is held to.
var privateHostRE = regexp.MustCompile(`^(\d{12})\.dkr([.-])ecr(-fips)?\.([a-z0-9][a-z0-9-]*)\.(` + suffixAlternation() + `)$`)

func suffixAlternation() string {
	var quoted []string
	for _, list := range [][]string{IPv4Suffixes(), DualStackSuffixes()} {
		for _, s := range list {
			quoted = append(quoted, regexp.QuoteMeta(s))
		}
	}
	return strings.Join(quoted, "|")
}

// FuzzPrivateTarget holds privateTarget equal to privateHostRE: the same
// hosts accepted, with the same account, region, FIPS and dual-stack parts.
func FuzzPrivateTarget(f *testing.F) {
	for _, seed := range []string{
		"123456789012.dkr.ecr.us-east-1.amazonaws.com",
		"123456789012.dkr-ecr-fips.us-east-2.on.aws",
		"123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
		"123456789012.dkr-ecr.cn-northwest-1.on.amazonwebservices.com.cn",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example",
		"evil123456789012.dkr.ecr.us-east-1.amazonaws.com",
		"12345678901.dkr.ecr.us-east-1.amazonaws.com",
		"123456789012.dkr.ecr.-us.amazonaws.com",
		"123456789012.dkr.ecr.US-EAST-1.amazonaws.com",
		"123456789012.dkr.ecr-fipsy.us-east-1.amazonaws.com",
		"123456789012.dkr.ecr..amazonaws.com",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com:443",
		"١٢٣٤٥٦٧٨٩٠١٢.dkr.ecr.us-east-1.amazonaws.com",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, host string) {
		got, ok := privateTarget(host)
		m := privateHostRE.FindStringSubmatch(host)
		require.Equal(t, m != nil, ok, "privateTarget(%q) accepted %v, the expression %v", host, ok, m != nil)
		if m == nil {
			return
		}
		want := target{host: host, account: m[1], fips: m[3] == "-fips", region: m[4], dualStack: m[2] == "-"}
		require.Equal(t, want, got, "privateTarget(%q)", host)
	})
}

// TestPrivateTargetMatchesTheExpressionOnEveryEdit: what the fuzzer finds
// slowly, swept deterministically — every one-byte deletion, substitution
// and insertion of the accepted hosts (with the bytes that make or break
// a label, a port, a trailing dot, upper case) is judged alike by
// privateTarget and the expression it replaced.
func TestPrivateTargetMatchesTheExpressionOnEveryEdit(t *testing.T) {
	const alphabet = "0a-.:Z/\n_f"
	var hosts []string
	for _, s := range append(IPv4Suffixes(), DualStackSuffixes()...) {
		hosts = append(hosts, "123456789012.dkr.ecr.us-east-1."+s, "123456789012.dkr-ecr-fips.us-gov-west-1."+s)
	}
	checked := 0
	for _, h := range hosts {
		var edits []string
		for i := range len(h) + 1 {
			if i < len(h) {
				edits = append(edits, h[:i]+h[i+1:])
			}
			for _, c := range []byte(alphabet) {
				edits = append(edits, h[:i]+string(c)+h[i:])
				if i < len(h) {
					edits = append(edits, h[:i]+string(c)+h[i+1:])
				}
			}
		}
		for _, e := range append(edits, h) {
			got, ok := privateTarget(e)
			m := privateHostRE.FindStringSubmatch(e)
			require.Equal(t, m != nil, ok, "privateTarget(%q)", e)
			if m != nil {
				require.Equal(t, target{host: e, account: m[1], fips: m[3] == "-fips", region: m[4], dualStack: m[2] == "-"}, got, "privateTarget(%q)", e)
			}
			checked++
		}
	}
	require.Greater(t, checked, 10000, "edits checked")
}
