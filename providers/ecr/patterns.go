package ecr

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
// them is refused rather than guessed at, because the ecr backend's anchored
// host check, built from these same lists, is what keeps a token away from
// look-alike hosts.

// IPv4Suffixes are the registry DNS suffixes of each AWS partition, as in
// <account>.dkr.ecr[-fips].<region>.<suffix>.
func IPv4Suffixes() []string {
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

// DualStackSuffixes are the suffixes of <account>.dkr-ecr[-fips].<region>.<suffix>.
func DualStackSuffixes() []string {
	return []string{"on.aws", "on.amazonwebservices.com.cn"}
}

// PublicHosts are the ECR Public registry hosts.
func PublicHosts() []string {
	return []string{
		"public.ecr.aws",     // IPv4
		"ecr-public.aws.com", // dual-stack
	}
}

// DefaultPatterns are the match patterns of the built-in ECR entry: ECR
// private in every partition (IPv4 and dual-stack, with and without FIPS)
// and ECR Public. They are per-label globs, looser than the check the ecr
// backend makes before fetching a token, which refuses any host that is not
// really ECR.
func DefaultPatterns() []string {
	var out []string
	for _, s := range IPv4Suffixes() {
		out = append(out, "*.dkr.ecr.*."+s, "*.dkr.ecr-fips.*."+s)
	}
	for _, s := range DualStackSuffixes() {
		out = append(out, "*.dkr-ecr.*."+s, "*.dkr-ecr-fips.*."+s)
	}
	return append(out, PublicHosts()...)
}
