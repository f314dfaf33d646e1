package idtoken

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/regcred/regcred/providers"
)

// GitHub Actions' contract, which Forgejo and Gitea Actions share: the
// runner sets both variables in a job whose workflow grants
// `permissions: id-token: write`, and only then.
const (
	githubURL   = "ACTIONS_ID_TOKEN_REQUEST_URL"
	githubToken = "ACTIONS_ID_TOKEN_REQUEST_TOKEN"
)

const githubFix = "the job's workflow must grant `permissions: id-token: write`"

func githubKind() kind {
	return kind{
		describe: "GitHub Actions' ID token endpoint ($" + githubURL + ")",
		fix:      "set idToken.audience to what the registry's trust expects, and " + githubFix,
		fetch:    fetchGitHub,
	}
}

// fetchGitHub is `GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=…` with the
// request token as a bearer, answered by {"value": "<jwt>"}.
func fetchGitHub(ctx context.Context, s *Source) (providers.IdentityToken, error) {
	base, token := s.deps.Getenv(githubURL), s.deps.Getenv(githubToken)
	if base == "" || token == "" {
		return providers.IdentityToken{}, fmt.Errorf("%w: %s and %s are not both set, so this job may not ask for an identity token: %s "+
			"(GitHub: `permissions: {id-token: write, contents: read}` at the workflow or job level)", providers.ErrNoIdentity, githubURL, githubToken, githubFix)
	}
	u, err := endpoint(base, githubURL)
	if err != nil {
		return providers.IdentityToken{}, err
	}
	if s.cfg.Audience != "" {
		q := u.Query()
		q.Set("audience", s.cfg.Audience)
		u.RawQuery = q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return providers.IdentityToken{}, fmt.Errorf("%w: %s: %w", providers.ErrInvalid, githubURL, err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	var answer struct {
		Value string `json:"value"`
	}
	from := "GitHub Actions' ID token endpoint"
	if err := s.exchange(req, from, githubFix, &answer, providers.Secret(token)); err != nil {
		return providers.IdentityToken{}, err
	}
	return parse(answer.Value, from)
}

// endpoint parses a CI's token endpoint, which must be https unless it
// is loopback: it carries the job's request token.
func endpoint(raw, what string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%w: %s is not a URL", providers.ErrInvalid, what)
	}
	if u.Scheme != "https" && (u.Scheme != "http" || !providers.IsLoopbackHost(u.Hostname())) {
		return nil, fmt.Errorf("%w: %s must be an https URL (plain http only to loopback), not %s://%s", providers.ErrInvalid, what, u.Scheme, u.Host)
	}
	return u, nil
}

// CheckServiceURL is the check of a trading service's base URL (a JFrog
// platform, a Quay server): https unless loopback, since the identity
// token and the credential it buys travel to it; no user info, query or
// fragment, which could hold a secret that errors would then print. The
// error does not quote the value.
func CheckServiceURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("%w: is not a URL", providers.ErrInvalid)
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return fmt.Errorf("%w: must be an https:// URL with a host", providers.ErrInvalid)
	case u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%w: must not carry user info, a query or a fragment", providers.ErrInvalid)
	case u.Scheme == "http" && !providers.IsLoopbackHost(u.Hostname()):
		return fmt.Errorf("%w: plain http is only allowed to a loopback address; use https", providers.ErrInvalid)
	}
	return nil
}
