package ocir

import "github.com/regcred/regcred/providers/lazyregexp"

// An OCIR host is <region key or name>.ocir.io or the newer
// ocir.<region>.oci.oraclecloud.com, with no port. The match is anchored
// and on whole labels, so look-alikes such as iad.ocir.io.evil.example
// or evilocir.io never receive a signed request or a token.
var ocirHost = lazyregexp.New(`^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.ocir\.io|ocir\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.oci\.oraclecloud\.com)$`)

// IsOCIRHost reports whether host (lower-case, as the resolver normalises
// it) is an OCI Registry host.
func IsOCIRHost(host string) bool {
	return len(host) <= 253 && ocirHost().MatchString(host)
}
