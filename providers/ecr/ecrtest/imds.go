package ecrtest

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"
)

// IMDSAddr is the EC2 instance metadata service's fixed address.
const IMDSAddr = "169.254.169.254:80"

// The IMDS operations Cloud.Calls counts.
const (
	// IMDSToken is IMDSv2's PUT /latest/api/token.
	IMDSToken Op = "imds:PUT /latest/api/token"
	// IMDSGet is a GET of instance metadata that was answered.
	IMDSGet Op = "imds:GET"
)

const (
	imdsTokenTTLHeader = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"
	imdsTokenHeader    = "X-Aws-Ec2-Metadata-Token"
	imdsCredsPath      = "/latest/meta-data/iam/security-credentials/"
	// maxIMDSTokenTTL is the longest session IMDSv2 grants: six hours.
	maxIMDSTokenTTL = 21600
)

// IMDSOptions shape an instance.
type IMDSOptions struct {
	// RoleARN is the role of the instance profile; empty, an instance
	// without one.
	RoleARN string
	// AllowIMDSv1 is HttpTokens=optional: GETs without a session token are
	// answered. By default, as on instances launched since 2024 by
	// default, HttpTokens=required: such GETs get 401.
	AllowIMDSv1 bool
	// HopLimitExceeded plays a caller more network hops away than the
	// instance's HttpPutResponseHopLimit (a container, with the default of
	// 1): the answer to its session PUT never arrives.
	HopLimitExceeded bool
	// Unassumable plays an instance profile whose role does not trust
	// ec2.amazonaws.com: IMDS lists the role, and answers its credentials
	// with 200 and the code AssumeRoleUnauthorizedAccess instead of keys.
	Unassumable bool
	// Throttled plays an instance whose metadata service throttles it (too
	// many queries from the instance): every metadata GET gets 429.
	Throttled bool
}

// IMDS fakes an EC2 instance's metadata service, the parts a credential
// chain uses: IMDSv2 sessions (PUT /latest/api/token with a TTL of 1 to
// 21600 seconds, refused when proxied, that is with X-Forwarded-For), and
// the instance profile's role name and temporary credentials under
// /latest/meta-data/iam/security-credentials/, answered only to a live
// session token unless AllowIMDSv1. It is an http.Handler: serve it on
// IMDSAddr in a test's own network namespace (testkit.PrivateNetwork,
// testkit.ServeHTTPAt), or on 127.0.0.1 with URL and
// AWS_EC2_METADATA_SERVICE_ENDPOINT.
type IMDS struct {
	c    *Cloud
	opts IMDSOptions
	rl   *role
	// InstanceID names the role session, as EC2's does.
	InstanceID string

	mu     sync.Mutex
	tokens map[string]time.Time // session token → expiry
	issued []Keys
}

// NewIMDS makes the metadata service of an instance with opts.RoleARN's
// instance profile. The role must exist (NewRole).
func (c *Cloud) NewIMDS(opts IMDSOptions) *IMDS {
	c.t.Helper()
	m := &IMDS{c: c, opts: opts, InstanceID: "i-0" + strings.ToLower(randUpper(16)), tokens: map[string]time.Time{}}
	if opts.RoleARN != "" {
		if m.rl = c.role(opts.RoleARN); m.rl == nil {
			require.FailNowf(c.t, "ecrtest: NewIMDS", "no role %s", opts.RoleARN)
		}
	}
	return m
}

// URL serves the fake on 127.0.0.1 until the test ends, for
// AWS_EC2_METADATA_SERVICE_ENDPOINT.
func (m *IMDS) URL() string {
	srv := httptest.NewServer(m)
	m.c.t.Cleanup(srv.Close)
	return srv.URL
}

// Issued are the credentials the instance profile handed out.
func (m *IMDS) Issued() []Keys {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Keys(nil), m.issued...)
}

// ServeHTTP answers as IMDS does; errors are its bare status pages.
func (m *IMDS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/latest/api/token" {
		m.token(w, r)
		return
	}
	if r.Method != http.MethodGet {
		m.fail(w, http.StatusMethodNotAllowed, "%s %s", r.Method, r.URL.Path)
		return
	}
	if m.opts.Throttled {
		m.fail(w, http.StatusTooManyRequests, "GET %s: throttled", r.URL.Path)
		return
	}
	if !m.session(r) {
		m.fail(w, http.StatusUnauthorized, "GET %s without a live session token", r.URL.Path)
		return
	}
	switch name, isCreds := strings.CutPrefix(r.URL.Path, imdsCredsPath); {
	case !isCreds:
		m.fail(w, http.StatusNotFound, "GET %s: not served by this fake", r.URL.Path)
	case m.rl == nil:
		m.fail(w, http.StatusNotFound, "GET %s: no instance profile", r.URL.Path)
	case name == "":
		m.c.count(IMDSGet)
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, m.rl.name)
	case name != m.rl.name:
		m.fail(w, http.StatusNotFound, "GET %s: not the instance profile's role", r.URL.Path)
	case m.opts.Unassumable:
		m.c.count(IMDSGet)
		w.Header().Set("Content-Type", "text/plain")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"Code": "AssumeRoleUnauthorizedAccess", "LastUpdated": m.c.now().UTC().Format(time.RFC3339),
			"Message": "EC2 cannot assume the role " + m.rl.name + ". Please see documentation at https://docs.aws.amazon.com/IAM/latest/UserGuide/RolesTroubleshooting.html#troubleshoot_iam-ec2_errors-info-doc.",
		})
	default:
		m.credentials(w)
	}
}

// token opens an IMDSv2 session.
func (m *IMDS) token(w http.ResponseWriter, r *http.Request) {
	ttl, err := strconv.Atoi(r.Header.Get(imdsTokenTTLHeader))
	switch {
	case r.Method != http.MethodPut:
		m.fail(w, http.StatusMethodNotAllowed, "%s /latest/api/token", r.Method)
		return
	case r.Header.Get("X-Forwarded-For") != "":
		m.fail(w, http.StatusForbidden, "PUT /latest/api/token through a proxy (X-Forwarded-For)")
		return
	case err != nil || ttl < 1 || ttl > maxIMDSTokenTTL:
		m.fail(w, http.StatusBadRequest, "PUT /latest/api/token: TTL header %q is not 1 to %d", r.Header.Get(imdsTokenTTLHeader), maxIMDSTokenTTL)
		return
	case m.opts.HopLimitExceeded:
		m.c.reject("imds: PUT /latest/api/token: the answer is dropped (hop limit)")
		select {
		case <-r.Context().Done():
		case <-m.c.release:
		}
		return
	}
	tok := "AQAEA" + randBase64(42)
	m.mu.Lock()
	m.tokens[tok] = m.c.now().Add(time.Duration(ttl) * time.Second)
	m.mu.Unlock()
	m.c.count(IMDSToken)
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set(imdsTokenTTLHeader, strconv.Itoa(ttl))
	_, _ = io.WriteString(w, tok)
}

// session says whether r may read metadata: a live session token, or none
// at all where IMDSv1 is allowed. A wrong token is refused either way.
func (m *IMDS) session(r *http.Request) bool {
	tok := r.Header.Get(imdsTokenHeader)
	if tok == "" {
		return m.opts.AllowIMDSv1
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for t, exp := range m.tokens {
		if hmac.Equal([]byte(t), []byte(tok)) {
			return m.c.now().Before(exp)
		}
	}
	return false
}

// credentials answers the instance profile's temporary keys in IMDS's
// shape.
func (m *IMDS) credentials(w http.ResponseWriter) {
	k := m.c.tempKeys(m.rl, m.InstanceID, 6*time.Hour)
	m.mu.Lock()
	m.issued = append(m.issued, k)
	m.mu.Unlock()
	m.c.count(IMDSGet)
	w.Header().Set("Content-Type", "text/plain") // IMDS's, though the body is JSON
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(map[string]string{
		"Code": "Success", "LastUpdated": m.c.now().UTC().Format(time.RFC3339), "Type": "AWS-HMAC",
		"AccessKeyId": k.AccessKeyID, "SecretAccessKey": k.SecretAccessKey, "Token": k.SessionToken,
		"Expiration": k.Expires.UTC().Format(time.RFC3339),
	})
}

// fail answers status with IMDS's bare page and records why.
func (m *IMDS) fail(w http.ResponseWriter, status int, format string, args ...any) {
	m.c.reject("imds: "+format, args...)
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	text := http.StatusText(status)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
		 "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>`+strconv.Itoa(status)+" - "+text+`</title>
 </head>
 <body>
  <h1>`+strconv.Itoa(status)+" - "+text+`</h1>
 </body>
</html>
`)
}
