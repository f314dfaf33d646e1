package verify

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// apiHost maps a normalised registry to the host serving its API: Docker
// Hub's requests are answered by registry-1.docker.io.
func apiHost(registry string) string {
	if registry == "docker.io" {
		return "registry-1.docker.io"
	}
	return registry
}

// isLoopback reports whether hostport names this machine: localhost or a
// loopback address. Docker treats these as insecure registries by default.
func isLoopback(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkRegistry rejects what is not a normalised host[:port].
func checkRegistry(r string) error {
	if r == "" {
		return fmt.Errorf("no registry given")
	}
	if strings.ContainsAny(r, "/?#@ \t\r\n") || strings.Contains(r, "://") {
		return fmt.Errorf("%q is not a registry host[:port]", r)
	}
	return nil
}

// checkRepository accepts the distribution grammar's characters only, so
// the path built from it cannot leave /v2/<repo>/.
func checkRepository(repo string) error {
	if repo == "" {
		return nil
	}
	for _, part := range strings.Split(repo, "/") {
		if part == "" || part == "." || part == ".." {
			return fmt.Errorf("repository %q has an empty or dot path component", repo)
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
				return fmt.Errorf("repository %q holds %q; expected lower-case letters, digits, '.', '_', '-' and '/'", repo, c)
			}
		}
	}
	return nil
}

// realmURL parses a Bearer challenge's realm and refuses to send a
// credential where it could be read on the wire: plain http only to a
// loopback host or when allowed.
func realmURL(realm string, allowHTTP bool) (*url.URL, error) {
	if realm == "" {
		return nil, fmt.Errorf("the Bearer challenge names no realm (token endpoint)")
	}
	u, err := url.Parse(realm)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("the Bearer challenge's realm %q is not an absolute URL", realm)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !allowHTTP && !isLoopback(u.Host) {
			return nil, fmt.Errorf("the token endpoint %s is plain http; regcred sends credentials over plain http only to loopback hosts", u.Redacted())
		}
	default:
		return nil, fmt.Errorf("the Bearer challenge's realm %q is not an http(s) URL", realm)
	}
	if ip := net.ParseIP(strings.Trim(u.Hostname(), "[]")); ip != nil && (ip.IsLinkLocalUnicast() || ip.IsUnspecified()) {
		// A registry naming the cloud metadata service as its token
		// endpoint is an attack, not a configuration.
		return nil, fmt.Errorf("the token endpoint %s is a link-local address; refusing it", u.Redacted())
	}
	if u.User != nil {
		return nil, fmt.Errorf("the Bearer challenge's realm holds user info; refusing it")
	}
	return u, nil
}
