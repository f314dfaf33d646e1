package ocisdk

import (
	"github.com/oracle/oci-go-sdk/v65/common"
)

// identity wraps the SDK's configuration provider for two reasons.
//
// Region: an entry's `region` wins over the identity's, and an identity
// without one (a config profile with no region line) is still usable when
// the entry names it; the SDK's clients otherwise refuse such a provider.
//
// Refresh loop: the SDK retries every 401 answer three times, a second
// apart, when the provider says it is "refreshable" (principals, session
// tokens), without renewing anything in between. A refused signature is
// not transient, so the wrapper does not claim to be refreshable and a
// denied secret costs one round trip. Tokens are still renewed: the
// principals renew an expired token whenever a request is signed.
type identity struct {
	common.ConfigurationProvider
	region string
}

func (p identity) Region() (string, error) {
	if p.region != "" {
		return p.region, nil
	}
	return p.ConfigurationProvider.Region()
}

func wrap(cp common.ConfigurationProvider, region string) common.ConfigurationProvider {
	if region != "" {
		region = string(common.StringToRegion(region))
	}
	return identity{ConfigurationProvider: cp, region: region}
}
