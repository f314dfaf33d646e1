// Package dockerhub is the `dockerhub:` kind: a keyless pull from Docker
// Hub through an organisation's OIDC connection. The workload's identity
// token (providers/idtoken, audience https://identity.docker.com) is
// traded at Docker's identity service as docker/login-action does
// (src/dockerhub.ts, commit 371161b): `POST <url>/oauth/token`, form
// encoded, grant_type token-exchange, subject_token_type id_token, the
// token, connection_id and expires_in; the answer's access_token is the
// password, the organisation the username, cached until it expires. The
// token only ever goes to Docker Hub's registries. Its fake is in
// dockerhubtest.
package dockerhub
