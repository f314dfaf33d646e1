package ecrtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

const (
	sigAlgorithm = "AWS4-HMAC-SHA256"
	amzDate      = "20060102T150405Z"
	maxSkew      = 5 * time.Minute
)

// authFailure is why a request's signature was refused; each service
// answers its kind with its own error code.
type authFailure struct {
	kind int
	msg  string
}

const (
	badSignature = iota
	unknownKey
	missingAuth
	expiredKey
)

func fail(kind int, msg string) *authFailure { return &authFailure{kind: kind, msg: msg} }

// signed is what a verified signature says about the request.
type signed struct {
	key     *accessKey
	region  string
	service string
}

// verifySigV4 recomputes the Signature Version 4 signature of r over body
// with the secret of the access key it names, as AWS does, and checks the
// credential scope, the signed headers and the request time. It shares no
// code with the SDK's signer, so a mistake in either shows up.
func verifySigV4(r *http.Request, body []byte, now time.Time, keys func(string) *accessKey, wantService string) (signed, *authFailure) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return signed{}, fail(missingAuth, "Missing Authentication Token")
	}
	algo, rest, _ := strings.Cut(auth, " ")
	if algo != sigAlgorithm {
		return signed{}, fail(badSignature, "Unsupported signature algorithm "+algo)
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return signed{}, fail(badSignature, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
		}
		fields[k] = v
	}
	cred, signedHeaders, sig := fields["Credential"], fields["SignedHeaders"], fields["Signature"]
	if cred == "" || signedHeaders == "" || sig == "" {
		return signed{}, fail(badSignature, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters")
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return signed{}, fail(badSignature, "Credential should be of the form <key>/<date>/<region>/<service>/aws4_request")
	}
	akid, day, region, service := scope[0], scope[1], scope[2], scope[3]
	if service != wantService {
		return signed{}, fail(badSignature, fmt.Sprintf("Credential should be scoped to correct service: '%s'.", wantService))
	}
	stamp := r.Header.Get("X-Amz-Date")
	at, err := time.Parse(amzDate, stamp)
	if err != nil {
		return signed{}, fail(badSignature, "Missing or malformed X-Amz-Date")
	}
	if stamp[:8] != day {
		return signed{}, fail(badSignature, "Credential should be scoped to a valid date: '"+stamp[:8]+"'.")
	}
	if d := now.Sub(at); d > maxSkew || d < -maxSkew {
		return signed{}, fail(badSignature, fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)",
			stamp, now.Add(-maxSkew).UTC().Format(amzDate), now.UTC().Format(amzDate)))
	}
	names := strings.Split(signedHeaders, ";")
	if !sort.StringsAreSorted(names) || !contains(names, "host") {
		return signed{}, fail(badSignature, "SignedHeaders must be sorted and include host")
	}
	key := keys(akid)
	if key == nil {
		return signed{}, fail(unknownKey, "The security token included in the request is invalid.")
	}
	canonical := canonicalRequest(r, names, body)
	sts := strings.Join([]string{sigAlgorithm, stamp, strings.Join(scope[1:], "/"), hexSHA256([]byte(canonical))}, "\n")
	want := hex.EncodeToString(hmacSHA256(signingKey(key.secret, day, region, service), sts))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return signed{}, fail(badSignature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	if key.sessionToken != "" || r.Header.Get("X-Amz-Security-Token") != "" {
		if !hmac.Equal([]byte(key.sessionToken), []byte(r.Header.Get("X-Amz-Security-Token"))) {
			return signed{}, fail(unknownKey, "The security token included in the request is invalid.")
		}
	}
	if !key.expires.IsZero() && now.After(key.expires) {
		return signed{}, fail(expiredKey, "The security token included in the request is expired")
	}
	return signed{key: key, region: region, service: service}, nil
}

// signingKeyID is the access key ID in r's SigV4 Authorization header
// ("Credential=<id>/<scope>"), or "" when it names none.
func signingKeyID(r *http.Request) string {
	_, after, ok := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(after, "/")
	return strings.TrimSpace(id)
}

// canonicalRequest is step 1 of SigV4.
func canonicalRequest(r *http.Request, names []string, body []byte) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b.WriteString(path + "\n")
	b.WriteString(canonicalQuery(r.URL.Query()) + "\n")
	for _, n := range names {
		b.WriteString(n + ":" + headerValue(r, n) + "\n")
	}
	b.WriteString("\n" + strings.Join(names, ";") + "\n")
	b.WriteString(hexSHA256(body))
	return b.String()
}

func canonicalQuery(q url.Values) string {
	var pairs []string
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, awsEscape(k)+"="+awsEscape(v))
		}
	}
	sort.Strings(pairs)
	return strings.Join(pairs, "&")
}

// awsEscape is RFC 3986 escaping: everything but unreserved characters.
func awsEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// headerValue is the canonical value of a signed header: values joined by
// commas, runs of spaces squeezed, ends trimmed. Go's server moves Host out
// of the header map.
func headerValue(r *http.Request, name string) string {
	if name == "host" {
		return r.Host
	}
	vals := r.Header.Values(name)
	if name == "content-length" && len(vals) == 0 && r.ContentLength >= 0 {
		vals = []string{fmt.Sprint(r.ContentLength)}
	}
	for i, v := range vals {
		vals[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vals, ",")
}

func signingKey(secret, day, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), day)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
