// Package static is the backend for credentials that sit on the machine: a
// username and a password, each inline, in an environment variable or in a
// file, or an entry of a docker config.json, a legacy .dockercfg, or a
// Kubernetes dockerconfigjson Secret (the imagePullSecret format).
//
// Files are read on every Credential call, not when the provider is built,
// so a rotated secret (a re-mounted Kubernetes Secret, a new token file) is
// picked up without restarting anything, and an entry that is never tried
// never touches its files.
//
// In a docker config file, each key ("https://index.docker.io/v1/",
// "host:5000", "https://host", "host/ns", "*.example.com") is read as a
// matcher pattern, so keys follow the same rules as the config's own match
// patterns: the most specific matching key wins (exact host before a glob,
// a key whose path prefixes the repository at a '/' boundary before the
// bare host). Keys equal after normalisation are tried in sorted order.
// An entry yields "auth" (base64 of user:password), "username" and
// "password", or "identitytoken", which docker's convention answers as the
// username "<token>" with the token as the secret.
package static
