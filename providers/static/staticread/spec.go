package staticread

import (
	"context"
	"errors"

	"github.com/regcred/regcred/matcher"
	"github.com/regcred/regcred/providers"
)

// Spec is where a static entry's credential lives, as a route records it
// for the front: file paths (as the config names them, "~/" unexpanded),
// variable names, a docker config file and the key that answered from it.
// Username is an inline username, which is a name, not a secret; an
// inline password is never in a Spec (it stays with the engine).
type Spec struct {
	Username     string
	UsernameEnv  string
	UsernameFile string
	PasswordEnv  string
	PasswordFile string
	DockerConfig string
	DockerKey    string
}

// IsZero reports whether s names no source.
func (s Spec) IsZero() bool { return s == Spec{} }

// Target is the request a docker config file is searched for, as the
// static backend searches it.
func Target(registry, repository string) (matcher.Target, error) {
	t, err := matcher.Normalize("https://" + registry)
	t.Path = repository
	return t, err
}

// Resolve reads s for t as the static backend would and returns the
// credential, and for a docker config the key that answered, when the
// backend would answer it without a warning and without running a helper;
// ok is false whenever the engine must decide (a source missing, empty,
// untrusted or unreadable, a file of another kind, a YAML Secret, a helper
// named for the registry, no entry).
func Resolve(ctx context.Context, s Spec, t matcher.Target, lookupEnv func(string) (string, bool)) (cred providers.Credential, key string, ok bool) {
	if s.DockerConfig != "" {
		return fromDockerConfig(ctx, s.DockerConfig, t, lookupEnv)
	}
	if s.PasswordEnv == "" && s.PasswordFile == "" {
		return cred, "", false
	}
	user, uwarn, uerr := Value(ctx, Source{What: "username", Inline: s.Username, Env: s.UsernameEnv, File: s.UsernameFile}, lookupEnv)
	pass, pwarn, perr := Value(ctx, Source{What: "password", Env: s.PasswordEnv, File: s.PasswordFile}, lookupEnv)
	if err := errors.Join(uerr, perr); err != nil || uwarn != "" || pwarn != "" {
		return cred, "", false
	}
	return providers.Credential{Username: user, Secret: providers.Secret(pass)}, "", true
}

// Answer is Resolve for a route: the credential only when the docker
// config's answering key is still the one s recorded (a key added or
// emptied since changes what the engine selects, and it logs that).
func Answer(ctx context.Context, s Spec, t matcher.Target, lookupEnv func(string) (string, bool)) (providers.Credential, bool) {
	cred, key, ok := Resolve(ctx, s, t, lookupEnv)
	if !ok || key != s.DockerKey {
		return providers.Credential{}, false
	}
	return cred, true
}

func fromDockerConfig(ctx context.Context, name string, t matcher.Target, lookupEnv func(string) (string, bool)) (providers.Credential, string, bool) {
	f, err := ReadFile(ctx, "docker config", name, lookupEnv)
	if err != nil || f.Warning != "" {
		return providers.Credential{}, "", false
	}
	df, err := ParseJSON(f.Data)
	if err != nil {
		return providers.Credential{}, "", false
	}
	if helper, _ := df.HelperFor(t.Registry()); helper != "" {
		return providers.Credential{}, "", false
	}
	target, err := Target(t.Registry(), t.Path)
	if err != nil {
		return providers.Credential{}, "", false
	}
	sel, err := df.Select(target)
	if err != nil || sel.Key == "" {
		return providers.Credential{}, "", false
	}
	return sel.Cred, sel.Key, true
}
