package ecrlean

import (
	"encoding/base64"
	"errors"
	"strings"
)

// ErrMalformedToken: an authorization token that is not base64 of
// "<user>:<password>".
var ErrMalformedToken = errors.New("the authorization token is not base64 of <user>:<password>")

// SplitToken decodes an authorizationToken of GetAuthorizationToken (ECR's
// and ECR Public's): base64 of "<user>:<password>", both non-empty.
func SplitToken(encoded string) (user, password string, err error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return "", "", ErrMalformedToken
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || password == "" {
		return "", "", ErrMalformedToken
	}
	return user, password, nil
}
