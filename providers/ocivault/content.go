package ocivault

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/secrets"

	"github.com/regcred/regcred/providers"
)

// credential turns a secret bundle into a credential. The content is
// base64 of a JSON object with string fields username and password
// (OCI Container Instances' image-pull-secret format); other fields are
// ignored. Errors name the secret and version and what is wrong with the
// content, never the content.
func credential(what string, b secrets.SecretBundle, now time.Time) (providers.Credential, error) {
	if b.VersionNumber != nil {
		what = fmt.Sprintf("%s (version %d)", what, *b.VersionNumber)
	}
	bad := func(why string) error {
		return fmt.Errorf("%w: ocivault: %s: %s", providers.ErrInvalid, what, why)
	}
	raw, err := content(b)
	if err != nil {
		return providers.Credential{}, bad(err.Error())
	}
	data, err := decodeBase64(raw)
	if err != nil {
		return providers.Credential{}, bad("content is not base64")
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil || fields == nil {
		return providers.Credential{}, bad(`content is not a JSON object like {"username": "…", "password": "…"}`)
	}
	user, ok := stringField(fields, "username")
	if !ok {
		return providers.Credential{}, bad(`content has no non-empty "username" string field`)
	}
	pass, ok := stringField(fields, "password")
	if !ok {
		return providers.Credential{}, bad(`content has no non-empty "password" string field`)
	}
	exp := expiry(b)
	if !exp.IsZero() && !exp.After(now) {
		return providers.Credential{}, bad("this version expired at " + exp.UTC().Format(time.RFC3339))
	}
	return providers.Credential{Username: user, Secret: providers.Secret(pass), ExpiresAt: exp}, nil
}

func content(b secrets.SecretBundle) (string, error) {
	var c *string
	switch v := b.SecretBundleContent.(type) {
	case secrets.Base64SecretBundleContentDetails:
		c = v.Content
	case *secrets.Base64SecretBundleContentDetails:
		if v != nil {
			c = v.Content
		}
	case nil:
		return "", fmt.Errorf("the answer holds no content")
	default:
		return "", fmt.Errorf("content is not of type BASE64")
	}
	if c == nil || *c == "" {
		return "", fmt.Errorf("content is empty")
	}
	return *c, nil
}

func decodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(s)
}

func stringField(fields map[string]json.RawMessage, name string) (string, bool) {
	raw, ok := fields[name]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil || s == "" {
		return "", false
	}
	return s, true
}

// expiry is when the version stops being usable: its TimeOfExpiry, or its
// TimeOfDeletion when that comes first; zero when it has neither.
func expiry(b secrets.SecretBundle) time.Time {
	var t time.Time
	for _, st := range []*time.Time{sdkTime(b.TimeOfExpiry), sdkTime(b.TimeOfDeletion)} {
		if st != nil && (t.IsZero() || st.Before(t)) {
			t = *st
		}
	}
	return t
}

func sdkTime(t *common.SDKTime) *time.Time {
	if t == nil || t.IsZero() {
		return nil
	}
	return &t.Time
}
