// Package ecrlean repeats one ECR GetAuthorizationToken call the ecr
// backend made (a providers.Recipe), signed with the environment's static
// keys by the AWS SDK's own SigV4 signer, without the SDK's clients, whose
// generated tables and endpoint rules cost a process more to start than
// the call itself: the lean fetcher's (regcred-fetch) cold path.
//
// It makes exactly the request the SDK makes (POST / with the JSON 1.1
// protocol's headers and an empty object), once, without retries: any
// failure is the engine's to retry and explain, so errors here only say
// what happened, and never hold a key or a token.
package ecrlean
