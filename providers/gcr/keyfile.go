package gcr

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"

	"golang.org/x/oauth2/google"

	"github.com/regcred/regcred/providers"
)

// maxKeyFile bounds what is read of a credentials file; real ones are a
// few kilobytes.
const maxKeyFile = 1 << 20

// keyFile holds the fields of a credentials file that are checked before
// the library sees it, so a broken file is reported by name, not by the
// token endpoint or a PEM parser's complaint.
type keyFile struct {
	Type         string          `json:"type"`
	ClientEmail  string          `json:"client_email"`
	PrivateKey   string          `json:"private_key"`
	ClientID     string          `json:"client_id"`
	ClientSecret string          `json:"client_secret"`
	RefreshToken string          `json:"refresh_token"`
	Audience     string          `json:"audience"`
	TokenURI     string          `json:"token_uri"`
	Installed    json.RawMessage `json:"installed"`
	Web          json.RawMessage `json:"web"`
}

// fromFile reads a credentials file and builds its token source. origin
// says how the file was named (credentialsFile, GOOGLE_APPLICATION_CREDENTIALS,
// gcloud's ADC file). Errors name the file, never its content; a missing
// file wraps fs.ErrNotExist so the ADC lookup can move on from gcloud's.
func (p *Provider) fromFile(ctx context.Context, path, origin string, scopes []string) (source, error) {
	data, err := providers.ReadFileLimited(path, maxKeyFile)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return source{}, fmt.Errorf("%w: gcr: cannot read credentials file %s (%s): %w", providers.ErrInvalid, providers.ShowPath(path), origin, err)
	}
	var kf keyFile
	if err := json.Unmarshal(data, &kf); err != nil {
		return source{}, fmt.Errorf("%w: gcr: credentials file %s (%s) %s", providers.ErrInvalid, path, origin, describeJSONError(err))
	}
	what, err := kf.check()
	if err != nil {
		return source{}, fmt.Errorf("%w: gcr: credentials file %s (%s) %v", providers.ErrInvalid, path, origin, err)
	}
	creds, err := google.CredentialsFromJSONWithTypeAndParams(ctx, data, google.CredentialsType(kf.Type), google.CredentialsParams{Scopes: scopes})
	if err != nil {
		return source{}, fmt.Errorf("%w: gcr: credentials file %s (%s): %s", providers.ErrInvalid, path, origin, providers.OneLine(err.Error()))
	}
	return source{name: fmt.Sprintf("%s %s (%s)", what, path, origin), ts: creds.TokenSource}, nil
}

// check accepts the credential types a registry login can use and names
// what the file holds, for messages.
func (kf keyFile) check() (string, error) {
	if err := checkTokenURI(kf.TokenURI); err != nil {
		return "", err
	}
	switch kf.Type {
	case "service_account":
		if kf.ClientEmail == "" {
			return "", errors.New("is a service-account key without client_email")
		}
		if !isRSAKey(kf.PrivateKey) {
			return "", errors.New("is a service-account key whose private_key is not a PEM-encoded RSA key; download a new key")
		}
		return "service-account key for " + kf.ClientEmail + " in", nil
	case "authorized_user":
		if kf.ClientID == "" || kf.ClientSecret == "" || kf.RefreshToken == "" {
			return "", errors.New("is a user login (authorized_user) missing client_id, client_secret or refresh_token; run `gcloud auth application-default login` again")
		}
		return "gcloud user login in", nil
	case "external_account", "external_account_authorized_user":
		if kf.Audience == "" {
			return "", errors.New("is a workload identity federation configuration without audience")
		}
		return "workload identity federation configuration in", nil
	case "impersonated_service_account":
		return "service-account impersonation configuration in", nil
	case "":
		if kf.Installed != nil || kf.Web != nil {
			return "", errors.New("is an OAuth client secret, not credentials; use a service-account key or `gcloud auth application-default login`")
		}
		return "", errors.New("has no \"type\"; expected a service-account key or an ADC file")
	}
	return "", fmt.Errorf("has type %q, which cannot log in to a registry; use a service-account key, an authorized_user, external_account or impersonated_service_account file", kf.Type)
}

func isRSAKey(pemText string) bool {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return false
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		_, ok := k.(*rsa.PrivateKey)
		return ok
	}
	_, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	return err == nil
}

// describeJSONError says what is wrong with a file that is not the JSON
// expected, without quoting any of it.
func describeJSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("is not valid JSON (syntax error at byte %d)", syn.Offset)
	case errors.As(err, &typ) && typ.Field != "":
		return fmt.Sprintf("is not a credentials file: field %q holds a JSON %s", typ.Field, typ.Value)
	}
	return "is not a JSON object"
}

// checkTokenURI: the signed assertion or refresh token goes to token_uri,
// so it must be https (plain http only to loopback, for tests).
func checkTokenURI(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("has a token_uri that is not a URL")
	}
	h := u.Hostname()
	loopback := h == "localhost" || net.ParseIP(h) != nil && net.ParseIP(h).IsLoopback()
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return fmt.Errorf("has token_uri %s: the credential would be sent without TLS; it must be https", u.Redacted())
	}
	return nil
}
