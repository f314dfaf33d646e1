package idtoken

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/regcred/regcred/providers"
)

// The Buildkite agent's job environment.
const (
	buildkiteEndpoint = "BUILDKITE_AGENT_ENDPOINT"
	buildkiteJob      = "BUILDKITE_JOB_ID"
	buildkiteToken    = "BUILDKITE_AGENT_ACCESS_TOKEN"
)

const buildkiteFix = "the step must run on a Buildkite agent (v3.48 or later) with its job environment"

func buildkiteKind() kind {
	return kind{
		describe: "the Buildkite agent's OIDC endpoint ($" + buildkiteEndpoint + ")",
		fix:      "set idToken.audience to what the registry's trust expects",
		fetch:    fetchBuildkite,
	}
}

// fetchBuildkite is `POST $BUILDKITE_AGENT_ENDPOINT/jobs/$BUILDKITE_JOB_ID/oidc/tokens`
// with `Authorization: Token $BUILDKITE_AGENT_ACCESS_TOKEN`, answered by
// {"token": "<jwt>"} — what `buildkite-agent oidc request-token` does.
func fetchBuildkite(ctx context.Context, s *Source) (providers.IdentityToken, error) {
	base, job, token := s.deps.Getenv(buildkiteEndpoint), s.deps.Getenv(buildkiteJob), s.deps.Getenv(buildkiteToken)
	if base == "" || job == "" || token == "" {
		return providers.IdentityToken{}, fmt.Errorf("%w: %s, %s and %s are not all set: %s",
			providers.ErrNoIdentity, buildkiteEndpoint, buildkiteJob, buildkiteToken, buildkiteFix)
	}
	u, err := endpoint(strings.TrimRight(base, "/")+"/jobs/"+url.PathEscape(job)+"/oidc/tokens", buildkiteEndpoint)
	if err != nil {
		return providers.IdentityToken{}, err
	}
	body := map[string]string{}
	if s.cfg.Audience != "" {
		body["audience"] = s.cfg.Audience
	}
	b, _ := json.Marshal(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(b))
	if err != nil {
		return providers.IdentityToken{}, fmt.Errorf("%w: %s: %w", providers.ErrInvalid, buildkiteEndpoint, err)
	}
	req.Header.Set("Authorization", "Token "+token)
	req.Header.Set("Content-Type", "application/json")
	var answer struct {
		Token string `json:"token"`
	}
	from := "the Buildkite agent's OIDC endpoint"
	if err := s.exchange(req, from, buildkiteFix, &answer, providers.Secret(token)); err != nil {
		return providers.IdentityToken{}, err
	}
	return parse(answer.Token, from)
}
