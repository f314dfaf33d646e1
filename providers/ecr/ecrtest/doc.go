// Package ecrtest is a fake AWS for tests of the ecr backend and of the
// binary that uses it: IAM users and roles, ECR and ECR Public
// GetAuthorizationToken, STS (AssumeRole, AssumeRoleWithWebIdentity), a
// container credentials endpoint (EKS Pod Identity), all httptest servers on
// 127.0.0.1, closed when the test ends, and an EC2 instance metadata service
// (IMDS: IMDSv2 sessions, the instance profile's keys) to serve at
// 169.254.169.254:80 in a test's own network namespace.
//
// The fakes are as strict as AWS where it matters for a client: ECR checks
// the JSON 1.1 protocol (POST /, Content-Type application/x-amz-json-1.1,
// X-Amz-Target) and the request body, and recomputes the Signature
// Version 4 signature with the caller's secret key (credential scope,
// signed headers, body hash, request time within five minutes, session
// token of temporary keys), answering InvalidSignatureException,
// UnrecognizedClientException or ExpiredTokenException in AWS's error shape
// when it does not hold. ECR Public also insists on us-east-1 and on the
// sts:GetServiceBearerToken permission. STS verifies AssumeRole's
// signature and the role's trust policy (principal, external ID) and only
// accepts the web identity tokens a role trusts. Keys issued by STS or the
// container endpoint are then verified by ECR like any other.
//
// Tokens look like ECR's: base64("AWS:" + password), the password a
// couple of kilobytes of base64 JSON envelope, expiring after 12 hours.
// Cloud.Lookup says whether a password was issued, to whom and where, so
// tests check answers against the fake's records instead of constants.
// Cloud.Calls counts requests per operation (a cache test can assert a
// warm get made none), and Cloud.FailNext injects throttling, access
// denial, server errors or a response that never comes.
//
// Typical use:
//
//	cloud := ecrtest.New(t)
//	keys := cloud.NewUser("ci")
//	t.Setenv("AWS_ACCESS_KEY_ID", keys.AccessKeyID)
//	t.Setenv("AWS_SECRET_ACCESS_KEY", keys.SecretAccessKey)
//	t.Setenv("AWS_ENDPOINT_URL_ECR", cloud.ECRURL())
package ecrtest
