package idtoken

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// Source fetches an entry's identity token. It keeps nothing between
// calls: every Fetch asks again, and the token lives as long as the
// caller's `get`.
type Source struct {
	cfg  Config
	deps netdeps.Deps
}

// New returns the Source of cfg (valid, see Validate).
func New(cfg Config, deps netdeps.Deps) *Source {
	return &Source{cfg: cfg, deps: deps.WithDefaults()}
}

// Fetch returns a token from the configured source, refused here when it
// has expired or is for another audience than the entry names.
func (s *Source) Fetch(ctx context.Context) (providers.IdentityToken, error) {
	src, err := s.resolve()
	if err != nil {
		return providers.IdentityToken{}, err
	}
	tok, err := src.fetch(ctx, s)
	if err != nil {
		return providers.IdentityToken{}, err
	}
	return tok, check(tok, s.cfg.Audience, s.deps.Now(), src.fix)
}

// For returns the request's token when the resolver fetched one (or the
// kubelet passed the pod's), else a fresh one from the source.
func (s *Source) For(ctx context.Context, req providers.Request) (providers.IdentityToken, error) {
	if req.IdentityToken != nil {
		return *req.IdentityToken, nil
	}
	if req.ServiceAccount != nil && s.cfg.Source() == FromAuto {
		return s.fromServiceAccount(req.ServiceAccount)
	}
	return s.Fetch(ctx)
}

// podTokenFix is what to change when the pod's token is refused.
const podTokenFix = "the kubelet's CredentialProviderConfig must ask for the pod's token with the audience the registry expects (tokenAttributes.serviceAccountTokenAudience)"

// fromServiceAccount is the pod's token the kubelet passed (kubelet
// service-account mode), which `from: auto` takes as the identity token.
func (s *Source) fromServiceAccount(sa *providers.ServiceAccount) (providers.IdentityToken, error) {
	tok, err := parse(sa.Token.Reveal(), "the pod's service-account token")
	if err != nil {
		return providers.IdentityToken{}, err
	}
	return tok, check(tok, s.cfg.Audience, s.deps.Now(), podTokenFix)
}

// Describe says where the token would come from, for `check`, without
// fetching it.
func (s *Source) Describe() string {
	src, err := s.resolve()
	if err != nil {
		return fmt.Sprintf("nowhere yet: %v", err)
	}
	d := src.describe
	if s.cfg.Audience != "" {
		d += fmt.Sprintf(", audience %q", s.cfg.Audience)
	}
	return d
}

// kind is one resolved source: how to fetch, what to call it, and what
// to tell the user when its token is refused.
type kind struct {
	describe string
	fix      string
	fetch    func(context.Context, *Source) (providers.IdentityToken, error)
}

func (s *Source) resolve() (kind, error) {
	switch src := s.cfg.Source(); src {
	case FromGitHub:
		return githubKind(), nil
	case FromBuildkite:
		return buildkiteKind(), nil
	case FromEnv:
		return envKind(s.cfg.Env), nil
	case FromFile:
		return fileKind(s.cfg.File), nil
	case FromAuto:
		return s.detect()
	default:
		return kind{}, fmt.Errorf("%w: idToken.from %q is not one of %v", providers.ErrInvalid, src, Sources())
	}
}
