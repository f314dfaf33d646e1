// Package ecr is the backend for Amazon ECR: private registries
// (<account>.dkr.ecr.<region>.amazonaws.com and its FIPS, dual-stack, China,
// EU-sovereign and isolated-partition forms) through ECR's
// GetAuthorizationToken, and ECR Public (public.ecr.aws, ecr-public.aws.com)
// through ECR Public's, which only us-east-1 serves.
//
// The region comes from the registry host (or the entry's `region`), the
// identity from the AWS SDK's default credential chain: environment, shared
// config and credentials files (profiles, SSO, credential_process,
// assume-role), web identity (IRSA), the container credentials endpoint
// (EKS Pod Identity, ECS) and EC2 instance metadata. With `roleArn`, that
// identity assumes the role first. With `roleArnAnnotation`, in kubelet
// mode, the pod's service-account token assumes the role that annotation
// names (AssumeRoleWithWebIdentity) instead; those credentials serve that
// one request and are never kept, so no pod pulls with another's. The token ECR answers is
// base64("AWS:<password>") and lives 12 hours; its expiresAt becomes the
// credential's expiry.
//
// A host is checked against an anchored pattern before anything else, and
// refused unless it really is an ECR registry: the glob patterns that route
// requests here (DefaultPatterns) are looser, and an ECR token
// must never reach a look-alike host.
//
// New loads nothing: the SDK configuration is loaded, and credentials
// resolved, the first time Credential runs, so an entry that is never tried
// costs nothing. The SDK reads the process environment itself (it does not
// go through providers.Deps.LookupEnv, which this package uses only to
// describe the environment in error messages). netdeps.Deps.HTTPClient carries the
// ECR, ECR Public and sts:AssumeRole calls; the credential chain's own
// sources (IMDS, SSO, web identity, container endpoint) keep the SDK's
// clients, whose short IMDS timeouts keep a non-EC2 machine from waiting.
//
// Every SDK call is retried at most three times with a backoff capped at a
// second (throttling included), honouring the context, and then reported.
package ecr
