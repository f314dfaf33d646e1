package idtoken

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/regcred/regcred/providers"
)

func envKind(name string) kind {
	return kind{
		describe: "variable " + providers.ShowEnvName(name),
		fix:      "the CI must set " + providers.ShowEnvName(name) + " afresh for each job, for the audience the registry expects (GitLab: the job's id_tokens: with aud:)",
		fetch: func(_ context.Context, s *Source) (providers.IdentityToken, error) {
			v, ok := s.deps.LookupEnv(name)
			if !ok || strings.TrimSpace(v) == "" {
				return providers.IdentityToken{}, fmt.Errorf("%w: variable %s, which should hold the identity token, is not set%s",
					providers.ErrNoIdentity, providers.ShowEnvName(name), envHint(name))
			}
			return parse(v, "variable "+providers.ShowEnvName(name))
		},
	}
}

func envHint(name string) string {
	switch name {
	case envCircleToken:
		return " (CircleCI sets it in jobs of projects with OIDC tokens enabled)"
	case envBitbucketToken:
		return " (Bitbucket sets it in steps with `oidc: true`)"
	}
	return " (GitLab: declare it under the job's id_tokens:)"
}

func fileKind(path string) kind {
	return kind{
		describe: "file " + providers.ShowPath(path),
		fix:      "whatever writes " + providers.ShowPath(path) + " (the kubelet's projected token, a CI step) must keep it fresh",
		fetch: func(_ context.Context, s *Source) (providers.IdentityToken, error) {
			full, ok := providers.ExpandHome(path, s.deps.LookupEnv)
			if !ok {
				return providers.IdentityToken{}, fmt.Errorf("%w: identity token file %s starts with ~/ but HOME is not set", providers.ErrNoIdentity, providers.ShowPath(path))
			}
			b, err := os.ReadFile(full)
			if err != nil {
				return providers.IdentityToken{}, providers.FileError("identity token file", path, err, providers.ErrNoIdentity, providers.ErrUnavailable)
			}
			return parse(string(b), "file "+providers.ShowPath(path))
		},
	}
}
