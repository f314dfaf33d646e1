package idtoken

import (
	"fmt"

	"github.com/regcred/regcred/providers"
)

// Variables by which `from: auto` recognises a CI. Each CI sets its own
// to "true" in every job.
const (
	envGitHubActions = "GITHUB_ACTIONS"
	envGitea         = "GITEA_ACTIONS"
	envForgejo       = "FORGEJO_ACTIONS"
	envBuildkite     = "BUILDKITE"
	envCircleCI      = "CIRCLECI"
	envGitLab        = "GITLAB_CI"
	envBitbucket     = "BITBUCKET_BUILD_NUMBER"
	// CircleCI's and Bitbucket's tokens, issued to every job that asks.
	envCircleToken    = "CIRCLE_OIDC_TOKEN_V2"
	envBitbucketToken = "BITBUCKET_STEP_OIDC_TOKEN"
)

// DetectVariables lists every variable detect reads, for docs and tests.
func DetectVariables() []string {
	return []string{envGitHubActions, envGitea, envForgejo, githubURL, envBuildkite, envCircleCI, envGitLab, envBitbucket}
}

// detect picks the source by the CI's own variables.
func (s *Source) detect() (kind, error) {
	set := func(k string) bool { v, ok := s.deps.LookupEnv(k); return ok && v != "" }
	switch {
	case set(envGitHubActions), set(envGitea), set(envForgejo), set(githubURL):
		return githubKind(), nil
	case set(envBuildkite):
		return buildkiteKind(), nil
	case set(envCircleCI):
		return envKind(envCircleToken), nil
	case set(envBitbucket):
		return envKind(envBitbucketToken), nil
	case set(envGitLab):
		return kind{}, fmt.Errorf("%w: GitLab CI issues identity tokens only as the job's id_tokens: variables, under names the job chooses: "+
			"declare one (id_tokens: {REGCRED_ID_TOKEN: {aud: …}}) and set idToken: {from: env, env: REGCRED_ID_TOKEN}", providers.ErrNoIdentity)
	}
	return kind{}, fmt.Errorf("%w: no identity token source found (idToken.from is auto and no CI was recognised by %v): "+
		"set idToken.from to github, buildkite, env or file", providers.ErrNoIdentity, DetectVariables())
}
