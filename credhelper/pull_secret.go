package credhelper

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/pullsecret"
)

// pullSecretArgs is the `pull-secret` command line.
type pullSecretArgs struct {
	name, namespace string
	raw             bool
	registries      []string
}

// pullSecret prints an image pull Secret manifest (or, with --raw, only its
// .dockerconfigjson) holding a credential for each registry named, resolved
// as `get` would. It writes nothing anywhere else: for GitOps and CI.
func (a *App) pullSecret(ctx context.Context, args []string) error {
	p, err := parsePullSecretArgs(args)
	if err != nil {
		return err
	}
	cfg, err := config.Load(a.ConfigPath, a.Env, a.Deps.Logger)
	if err != nil {
		return err
	}
	pr, err := a.NewPullResolver(cfg, true)
	if err != nil {
		return err
	}
	var auths []pullsecret.Auth
	var failed []error
	for _, reg := range p.registries {
		auth, err := pr.Auth(ctx, reg)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		auths = append(auths, auth)
	}
	if len(failed) > 0 {
		// Every registry's reason at once; none holds a secret.
		return fmt.Errorf("pull-secret: %d of %d registries unresolved: %w", len(failed), len(p.registries), errors.Join(failed...))
	}
	var out []byte
	if p.raw {
		out, err = pullsecret.DockerConfigJSON(auths)
		out = append(out, '\n')
	} else {
		out, err = pullsecret.Manifest(p.name, p.namespace, nil, auths)
	}
	if err != nil {
		return fmt.Errorf("pull-secret: %w", err)
	}
	_, err = a.Stdout.Write(out)
	return err
}

func parsePullSecretArgs(args []string) (pullSecretArgs, error) {
	var p pullSecretArgs
	usage := func(format string, v ...any) error {
		return fmt.Errorf("%w: pull-secret: %s (pull-secret --name NAME --namespace NS [--raw] REGISTRY...)", ErrUsage, fmt.Sprintf(format, v...))
	}
	for len(args) > 0 {
		arg := args[0]
		args = args[1:]
		flag, value, hasValue := strings.Cut(arg, "=")
		switch flag {
		case "--raw":
			if hasValue {
				return p, usage("--raw takes no value")
			}
			p.raw = true
			continue
		case "--name", "--namespace":
			if !hasValue {
				if len(args) == 0 {
					return p, usage("%s needs a value", flag)
				}
				value, args = args[0], args[1:]
			}
			if flag == "--name" {
				p.name = value
			} else {
				p.namespace = value
			}
			continue
		}
		if strings.HasPrefix(arg, "-") {
			return p, usage("unknown flag %q", truncateArg(arg))
		}
		p.registries = append(p.registries, arg)
	}
	switch {
	case len(p.registries) == 0:
		return p, usage("name at least one registry")
	case p.raw:
		return p, nil
	case p.name == "" || p.namespace == "":
		return p, usage("--name and --namespace are required (or --raw for the .dockerconfigjson alone)")
	}
	if err := pullsecret.ValidName(p.name); err != nil {
		return p, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if err := pullsecret.ValidNamespace(p.namespace); err != nil {
		return p, fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return p, nil
}

// truncateArg keeps a mistyped flag's echo short: it might be a secret
// pasted in the wrong place.
func truncateArg(s string) string {
	flag, _, _ := strings.Cut(s, "=")
	return flag
}
