package gcr

// DefaultPatterns are the match patterns of the built-in Google entry, in
// the matcher's syntax (a '*' globs within one DNS label): Container
// Registry, Artifact Registry's multi-region and regional hosts, and
// Artifact Registry's regional endpoints. The gcr backend re-checks every
// host, anchored, before it fetches a token.
func DefaultPatterns() []string {
	return []string{"gcr.io", "*.gcr.io", "*-docker.pkg.dev", "docker.*.rep.pkg.dev"}
}
