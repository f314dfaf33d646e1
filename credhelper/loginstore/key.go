package loginstore

import (
	"strings"

	"github.com/regcred/regcred/matcher"
)

// DockerHubServer is the key docker stores and looks up Docker Hub
// credentials under; its daemon knows Hub by no other.
const DockerHubServer = "https://index.docker.io/v1/"

// maxServerURL bounds a kept server: a registry's name and a short path.
const maxServerURL = 512

// Login is a stored login as `list` names it: no username, no secret.
type Login struct {
	Registry  string // the normalised registry, as stored
	ServerURL string // the server as the client named it; "" when not kept
}

// Key is the server a client should see the login under: the one it was
// stored with, or, for a login stored before regcred kept it (or under a
// name it would not keep), the name docker itself would have used:
// DockerHubServer for Docker Hub, else the registry.
func (l Login) Key() string {
	if l.ServerURL != "" {
		return l.ServerURL
	}
	return DefaultKey(l.Registry)
}

// DefaultKey is the name docker uses for a normalised registry:
// DockerHubServer for Docker Hub, else host[:port] as it is.
func DefaultKey(registry string) string {
	if registry == "docker.io" {
		return DockerHubServer
	}
	return registry
}

// keepable: a server name that can be written to the secret-free index and
// answered by `list`. Anything that could carry a secret (user
// information, a query or fragment), or that is not one printable line,
// is dropped, and the login is listed under its DefaultKey instead.
func keepable(serverURL string) bool {
	if serverURL == "" || len(serverURL) > maxServerURL || strings.ContainsAny(serverURL, "@?#") {
		return false
	}
	for _, r := range serverURL {
		if r <= ' ' || r == 0x7f {
			return false
		}
	}
	_, err := matcher.Normalize(serverURL)
	return err == nil
}
