// Package idtoken is where a keyless entry's workload identity token comes
// from: the `idToken: {from, audience, env, file}` block of every kind that
// trades one (jwt, jfrog, quay, dockerhub, ecr's roleArn, gcr's
// workloadIdentityProvider, acr's federated client, vault's jwt login).
//
// A Source fetches the token for one `get` and hands it on as a
// providers.IdentityToken: held in a providers.Secret, never written to
// disk, never logged. Its claims (iss, sub, aud, exp) are read without
// verification — the registry or cloud judges the token; regcred uses the
// claims to name it in messages and in the token cache's key, so a token
// that rotates for the same workload hits the cache.
//
// Sources: `github` (GitHub, Forgejo and Gitea Actions' ID token endpoint),
// `buildkite` (the agent's OIDC endpoint), `env` (GitLab's id_tokens,
// CircleCI's, Bitbucket's variables), `file` (a projected service-account
// token, a file a CI step wrote) and `auto`, which picks by the CI's own
// variables. A request endpoint must be https unless it is loopback.
package idtoken
