package matcher

import (
	"errors"
	"fmt"
	"strings"
)

// Normalize reads what a client sends to the helper (a registry host, a
// URL, or an image reference) and returns the registry and repository it
// names. See the package documentation for the accepted forms.
func Normalize(s string) (Target, error) {
	s = strings.TrimSpace(s)
	if err := checkText(s); err != nil {
		return Target{}, requestError("%v", err)
	}
	t, err := normalize(s)
	if err != nil {
		return Target{}, requestError("%v", err)
	}
	return t, nil
}

func normalize(s string) (Target, error) {
	rest, hasScheme, err := stripScheme(s)
	if err != nil {
		return Target{}, err
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	if hasScheme {
		rest = stripUserinfo(rest)
	}
	rest, hasDigest, err := stripDigest(rest)
	if err != nil {
		return Target{}, err
	}
	rest = strings.TrimRight(rest, "/")
	if rest == "" {
		return Target{}, errors.New("no registry or image name")
	}
	first, path, hasSlash := strings.Cut(rest, "/")
	if hasScheme || isHost(first, hasSlash) {
		return hostTarget(first, path, hasDigest)
	}
	return hubTarget(rest)
}

// stripScheme removes "http://" or "https://" and rejects any other scheme.
func stripScheme(s string) (rest string, hasScheme bool, err error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s, false, nil
	}
	if strings.EqualFold(scheme, "https") || strings.EqualFold(scheme, "http") {
		return rest, true, nil
	}
	if !isScheme(scheme) {
		// Not quoted: it may be "user:password" typed without a scheme.
		return "", false, errors.New(`what precedes "://" is not a URL scheme`)
	}
	return "", false, partError("scheme %s is not http or https", part(scheme))
}

// isScheme checks RFC 3986's ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func isScheme(s string) bool {
	if s == "" || !isAlnum(s[0]) || s[0] <= '9' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isAlnum(s[i]) && !strings.ContainsRune("+-.", rune(s[i])) {
			return false
		}
	}
	return true
}

// stripUserinfo drops "user:password@" from a URL's authority, without ever
// putting it into an error.
func stripUserinfo(rest string) string {
	end := strings.IndexByte(rest, '/')
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
		return rest[at+1:]
	}
	return rest
}

// stripDigest removes "@algorithm:hex". Only URLs carry userinfo, so here
// an '@' always starts a digest.
func stripDigest(rest string) (string, bool, error) {
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return rest, false, nil
	}
	if err := checkDigest(rest[at+1:]); err != nil {
		return "", false, err
	}
	if strings.IndexByte(rest[:at], '@') >= 0 {
		return "", false, errors.New("more than one '@'")
	}
	return rest[:at], true, nil
}

// isHost decides whether the first word of a request without a scheme is a
// registry host rather than a Docker Hub name; see the package doc.
func isHost(first string, hasSlash bool) bool {
	if strings.HasPrefix(first, "[") {
		return true
	}
	if hasSlash {
		return first == "localhost" || strings.ContainsAny(first, ".:")
	}
	name, suffix, hasColon := strings.Cut(first, ":")
	if name == "localhost" || strings.IndexByte(name, '.') >= 0 {
		return true
	}
	return hasColon && allDigits(suffix)
}

// hostTarget builds the target for "registry[/repository[:tag]]".
func hostTarget(registry, path string, hasDigest bool) (Target, error) {
	host, port, err := parseRegistry(registry)
	if err != nil {
		return Target{}, err
	}
	if path == "v1" || path == "v2" {
		// The API root docker sends for Docker Hub ("/v1/"), and its v2 twin.
		path = ""
	}
	if path == "" {
		if hasDigest {
			return Target{}, errors.New("a digest needs a repository")
		}
		return Target{Host: host, Port: port}, nil
	}
	return imageTarget(host, port, path)
}

// hubTarget builds the target for a Docker Hub name: "nginx",
// "user/app:tag".
func hubTarget(name string) (Target, error) {
	if len(name) == 64 && isLowerHex(name) {
		return Target{}, errors.New("a bare 64-digit hex string is an image ID, not a name")
	}
	return imageTarget(dockerHub, "", name)
}

// imageTarget checks "repository[:tag]" below a parsed registry.
func imageTarget(host, port, path string) (Target, error) {
	repo, err := repository(path)
	if err != nil {
		return Target{}, err
	}
	if host == dockerHub && strings.IndexByte(repo, '/') < 0 {
		repo = "library/" + repo
	}
	if len(repo) > maxName {
		return Target{}, fmt.Errorf("repository is %d bytes long, the limit is %d", len(repo), maxName)
	}
	return Target{Host: host, Port: port, Path: repo}, nil
}

// repository strips the tag and checks what is left.
func repository(path string) (string, error) {
	repo, tag, hasTag := splitTag(path)
	if hasTag {
		if err := checkTag(tag); err != nil {
			return "", err
		}
	}
	if err := checkRepository(repo); err != nil {
		return "", err
	}
	return repo, nil
}
