package pullsecret

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

// ErrInvalid marks input that cannot make a pull secret.
var ErrInvalid = errors.New("invalid pull secret")

// Auth is one registry's credential as it goes into a pull secret.
type Auth struct {
	// Registry is the key under auths: host[:port], as the kubelet's
	// keyring matches it against image names.
	Registry string
	Username string
	Password providers.Secret
	// ExpiresAt is when the credential stops working; zero: not known.
	ExpiresAt time.Time
}

// dockerAuth is one auths entry of a .dockerconfigjson, as the kubelet's
// keyring and docker read it.
type dockerAuth struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Auth     string `json:"auth"`
}

type dockerConfig struct {
	Auths map[string]dockerAuth `json:"auths"`
}

// DockerConfigJSON is the .dockerconfigjson document for auths: one
// auths.<registry> entry each, with auth = base64(username:password). Every
// registry must be named once and have a username and a password.
func DockerConfigJSON(auths []Auth) ([]byte, error) {
	if len(auths) == 0 {
		return nil, fmt.Errorf("%w: no registry given", ErrInvalid)
	}
	doc := dockerConfig{Auths: make(map[string]dockerAuth, len(auths))}
	for _, a := range auths {
		if err := a.check(); err != nil {
			return nil, err
		}
		if _, dup := doc.Auths[a.Registry]; dup {
			return nil, fmt.Errorf("%w: registry %q given twice", ErrInvalid, a.Registry)
		}
		pw := a.Password.Reveal()
		doc.Auths[a.Registry] = dockerAuth{
			Username: a.Username, Password: pw,
			Auth: base64.StdEncoding.EncodeToString([]byte(a.Username + ":" + pw)),
		}
	}
	// encoding/json sorts map keys: the same credentials give the same bytes,
	// so an unchanged secret is never rewritten.
	return json.Marshal(doc)
}

func (a Auth) check() error {
	switch {
	case a.Registry == "" || strings.ContainsAny(a.Registry, " \t\r\n/") && a.Registry != Key("docker.io"):
		return fmt.Errorf("%w: registry %q is not a host[:port]", ErrInvalid, a.Registry)
	case a.Username == "":
		return fmt.Errorf("%w: %s: the credential has no username", ErrInvalid, a.Registry)
	case strings.Contains(a.Username, ":"):
		// auth is user:password; a colon in the user cannot be read back.
		return fmt.Errorf("%w: %s: the username contains ':'", ErrInvalid, a.Registry)
	case a.Password == "":
		return fmt.Errorf("%w: %s: the credential has no password", ErrInvalid, a.Registry)
	}
	return nil
}

// Earliest is the soonest ExpiresAt of auths; zero when none expires.
func Earliest(auths []Auth) time.Time {
	var t time.Time
	for _, a := range auths {
		if !a.ExpiresAt.IsZero() && (t.IsZero() || a.ExpiresAt.Before(t)) {
			t = a.ExpiresAt
		}
	}
	return t
}

// Key is the auths key for a registry (host[:port]): Docker Hub under the
// key docker and the kubelet's keyring both read for it, every other
// registry as itself.
func Key(registry string) string {
	if registry == "docker.io" {
		return "https://index.docker.io/v1/"
	}
	return registry
}
