package staticread

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/providers"
)

// Source is one of the three places a username or password comes from;
// exactly one of Inline, Env and File is set.
type Source struct {
	What   string // "username" or "password", for errors
	Inline string
	Env    string
	File   string
}

// Value is the source's value, with the file's Warning if any, or an
// error naming the variable or file (never the value, and never a name
// shaped like a secret: see providers.ShowEnvName and ShowPath).
func Value(ctx context.Context, s Source, lookupEnv func(string) (string, bool)) (value, warning string, err error) {
	switch {
	case s.Inline != "":
		return s.Inline, "", nil
	case s.Env != "":
		v, ok := lookupEnv(s.Env)
		if !ok {
			return "", "", fmt.Errorf("%w: %s variable %s is not set", providers.ErrNotFound, s.What, providers.ShowEnvName(s.Env))
		}
		if v == "" {
			return "", "", fmt.Errorf("%w: %s variable %s is empty", providers.ErrNotFound, s.What, providers.ShowEnvName(s.Env))
		}
		return v, "", nil
	default:
		f, err := ReadFile(ctx, s.What+" file", s.File, lookupEnv)
		if err != nil {
			return "", "", err
		}
		v := TrimNewline(string(f.Data))
		if v == "" {
			return "", f.Warning, fmt.Errorf("%w: %s file %s is empty", providers.ErrNotFound, s.What, providers.ShowPath(f.Path))
		}
		return v, f.Warning, nil
	}
}
