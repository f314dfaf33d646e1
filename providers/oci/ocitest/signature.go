package ocitest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxClockSkew is how far a request's date may be from the fake's clock.
const MaxClockSkew = 5 * time.Minute

// Verifier checks OCI request signatures against Keys.
type Verifier struct {
	Keys *Keys
	// WithoutHost accepts signatures that do not cover the host header
	// (the auth service's federation endpoint is signed that way).
	WithoutHost bool
	// Now is the fake's clock; nil is time.Now.
	Now func() time.Time
}

// Verify checks r's Authorization header against body (the request body,
// already read) and returns the key id that signed it.
func (v *Verifier) Verify(r *http.Request, body []byte) (string, error) {
	params, err := parseSignature(r.Header.Get("Authorization"))
	if err != nil {
		return "", err
	}
	if params["version"] != "1" || params["algorithm"] != "rsa-sha256" {
		return "", fmt.Errorf("want version=\"1\" and algorithm=\"rsa-sha256\", got %q and %q", params["version"], params["algorithm"])
	}
	keyID := params["keyId"]
	pub, ok := v.Keys.Lookup(keyID)
	if !ok {
		return "", fmt.Errorf("unknown keyId")
	}
	headers := strings.Fields(params["headers"])
	if err := v.checkCoverage(r, headers, body); err != nil {
		return "", err
	}
	sig, err := base64.StdEncoding.DecodeString(params["signature"])
	if err != nil {
		return "", fmt.Errorf("signature is not base64")
	}
	digest := sha256.Sum256([]byte(SigningString(r, headers)))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig); err != nil {
		return "", fmt.Errorf("signature does not verify with the key registered for the keyId")
	}
	return keyID, nil
}

// checkCoverage insists on the headers OCI insists on and checks the
// values that can be checked: the date's skew and the body's hash.
func (v *Verifier) checkCoverage(r *http.Request, headers []string, body []byte) error {
	required := []string{"(request-target)"}
	if !v.WithoutHost {
		required = append(required, "host")
	}
	hasBody := r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch
	if hasBody {
		required = append(required, "content-length", "content-type", "x-content-sha256")
	}
	for _, h := range required {
		if !slices.Contains(headers, h) {
			return fmt.Errorf("signature does not cover %q", h)
		}
	}
	if !slices.Contains(headers, "date") && !slices.Contains(headers, "x-date") {
		return errors.New("signature covers neither date nor x-date")
	}
	if err := v.checkDate(r); err != nil {
		return err
	}
	if hasBody {
		sum := sha256.Sum256(body)
		if r.Header.Get("X-Content-Sha256") != base64.StdEncoding.EncodeToString(sum[:]) {
			return errors.New("x-content-sha256 does not match the body")
		}
		if r.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			return errors.New("content-length does not match the body")
		}
	}
	return nil
}

func (v *Verifier) checkDate(r *http.Request) error {
	raw := r.Header.Get("X-Date")
	if raw == "" {
		raw = r.Header.Get("Date")
	}
	t, err := http.ParseTime(raw)
	if err != nil {
		return fmt.Errorf("date header %q is not an HTTP date", raw)
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if d := now().Sub(t); d > MaxClockSkew || d < -MaxClockSkew {
		return fmt.Errorf("date is %s off the server clock", d.Round(time.Second))
	}
	return nil
}

// SigningString rebuilds the string the client signed: one "name: value"
// line per covered header, in the order listed.
func SigningString(r *http.Request, headers []string) string {
	lines := make([]string, len(headers))
	for i, h := range headers {
		var value string
		switch h {
		case "(request-target)":
			value = strings.ToLower(r.Method) + " " + r.RequestURI
		case "host":
			value = r.Host
		default:
			value = r.Header.Get(h)
		}
		lines[i] = h + ": " + value
	}
	return strings.Join(lines, "\n")
}

// parseSignature reads `Signature k1="v1",k2="v2",…`.
func parseSignature(h string) (map[string]string, error) {
	rest, ok := strings.CutPrefix(h, "Signature ")
	if !ok {
		return nil, errors.New("no Signature authorization")
	}
	params := map[string]string{}
	for rest != "" {
		key, after, ok := strings.Cut(rest, `="`)
		if !ok {
			return nil, errors.New("malformed Signature parameters")
		}
		value, after, ok := strings.Cut(after, `"`)
		if !ok {
			return nil, errors.New("unterminated Signature parameter")
		}
		params[strings.TrimSpace(key)] = value
		rest = strings.TrimPrefix(after, ",")
	}
	for _, k := range []string{"version", "keyId", "algorithm", "headers", "signature"} {
		if params[k] == "" {
			return nil, fmt.Errorf("signature lacks %s", k)
		}
	}
	return params, nil
}
