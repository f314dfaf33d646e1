package ecrlean

import (
	"github.com/aws/aws-sdk-go-v2/aws"
)

// envKeys are the static keys the SDK's default chain takes from the
// environment when no profile is named, under their primary names only:
// keys under the legacy AWS_ACCESS_KEY / AWS_SECRET_KEY names are left to
// the engine. ok is false when either key is missing.
func envKeys(lookupEnv func(string) (string, bool)) (aws.Credentials, bool) {
	id, _ := lookupEnv("AWS_ACCESS_KEY_ID")
	secret, _ := lookupEnv("AWS_SECRET_ACCESS_KEY")
	session, _ := lookupEnv("AWS_SESSION_TOKEN")
	if id == "" || secret == "" {
		return aws.Credentials{}, false
	}
	return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: session}, true
}

// HasEnvKeys reports whether the environment holds the keys the fetcher
// signs with: the ecr backend records a recipe only then, since the SDK
// also takes keys under the legacy names, which the fetcher leaves alone.
func HasEnvKeys(lookupEnv func(string) (string, bool)) bool {
	_, ok := envKeys(lookupEnv)
	return ok
}
