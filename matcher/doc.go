// Package matcher turns what a client sends to the helper into a Target,
// parses the registry patterns of the config, and decides which patterns
// cover a target and in which order their entries are tried.
//
// # Requests
//
// Normalize accepts every form the clients send: docker's
// "https://index.docker.io/v1/" and "host[:port]", podman's "docker.io",
// nerdctl's "host:443", "https://host:443", "http://host" …, and image
// references such as "host:5000/ns/repo:tag", "repo@sha256:…", "nginx" or
// "localhost:5000/x". It strips the scheme, user:password@, query and
// fragment, a trailing "/v1/" or "/v2/" after the host, the tag and the
// digest; lower-cases the host; drops ":443"; folds Docker Hub's aliases
// (index.docker.io, registry-1.docker.io) onto "docker.io"; and, like
// docker, reads a one-word Docker Hub name as "library/<name>".
//
// A request without a scheme starts with a host or a Docker Hub name. Its
// first word (up to the first '/', a tag's ':' excluded) is a host when it
//   - contains a '.' ("gcr.io", "10.0.0.1"), is "localhost", or starts
//     with '[' (an IPv6 address);
//   - is followed by '/' and holds a ':' ("registry:5000/app");
//   - stands alone as "name:port" with an all-digit port ("registry:5000").
//
// Anything else is a Docker Hub name: "nginx", "nginx:latest", "user/app".
// This is distribution/reference's rule with two exceptions:
//   - A lone "name:digits" is a host; the reference reads an image with a
//     numeric tag. Clients send "registry:5000" when they mean a host; a
//     person asking about "redis:7" can write "docker.io/redis:7".
//   - A first word with an upper-case letter is not a host ("MyReg/app" is
//     an error: repository names are lower-case). Reading it as the host
//     "myreg" would give a target whose String() reads back as Docker Hub.
//
// After a scheme the first word is always a host, so "https://registry/app"
// names the host "registry". Such a target (a one-word host other than
// localhost, without a port) has no scheme-less spelling: its String()
// reads back as a Docker Hub name. No image reference reaches such a host,
// only URLs do; for every other target Normalize(t.String()) == t.
//
// Errors wrap ErrInvalidRequest, name what was wrong, quote at most a short
// piece of the input and never the user:password of a URL.
//
// # Patterns
//
// A pattern is "host[:port][/path]". A glob ('*', '?', '[…]' of path.Match)
// inside a host label matches that one label, and label counts must be
// equal: "*.example.com" matches "a.example.com", not "example.com" nor
// "a.b.example.com" (the kubelet's matchImages rule). Ports must be equal.
// A path matches at '/' boundaries: "reg.io/abc" covers "reg.io/abc" and
// "reg.io/abc/one", never "reg.io/abcdef". A Docker Hub pattern path is
// taken as written ("docker.io/myorg" covers "docker.io/myorg/app"); to
// name an official image write "docker.io/library/nginx".
//
// # Grammar without regular expressions
//
// Repository, tag and digest syntax follow github.com/distribution/reference
// but are checked by hand: that package compiles its regular expressions at
// init, a millisecond every helper process would pay even on the no-match
// path. The tests compare the two.
package matcher
