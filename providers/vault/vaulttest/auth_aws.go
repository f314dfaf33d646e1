package vaulttest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// AWS is an AWS auth mount for the iam method. Instead of sending the
// signed request on to STS, it checks it the way STS would, with the
// secret keys the test registers.
type AWS struct {
	n         *Namespace
	keys      map[string]AWSKey
	serverID  string
	stsRegion string
	roles     map[string]AWSRole
}

// AWSKey is an access key's secret half and the principal it belongs to.
type AWSKey struct {
	Secret       string
	SessionToken string // required on the request when set
	ARN          string // e.g. arn:aws:iam::123456789012:role/builder
}

// AWSRole is a role with auth_type iam.
type AWSRole struct {
	BoundIAMPrincipalARN string // optional; a trailing "*" is a prefix match
	TTL                  time.Duration
	Policies             []string
}

// EnableAWS enables AWS auth at auth/<mount>.
func (n *Namespace) EnableAWS(mount string) *AWS {
	a := &AWS{n: n, keys: map[string]AWSKey{}, roles: map[string]AWSRole{}}
	n.locked(func() { n.auths[mount] = a })
	return a
}

// Key registers an access key STS knows.
func (a *AWS) Key(accessKeyID string, k AWSKey) { a.n.locked(func() { a.keys[accessKeyID] = k }) }

// ServerID sets iam_server_id_header_value: logins must carry it, signed,
// in X-Vault-AWS-IAM-Server-ID.
func (a *AWS) ServerID(v string) { a.n.locked(func() { a.serverID = v }) }

// STSRegion sets sts_region; by default the region follows the URL's host.
func (a *AWS) STSRegion(r string) { a.n.locked(func() { a.stsRegion = r }) }

// Role adds a role.
func (a *AWS) Role(name string, r AWSRole) { a.n.locked(func() { a.roles[name] = r }) }

type awsLogin struct {
	Role    string `json:"role"`
	Method  string `json:"iam_http_request_method"`
	URL     string `json:"iam_request_url"`
	Body    string `json:"iam_request_body"`
	Headers string `json:"iam_request_headers"`
}

func (a *AWS) login(n *Namespace, _ *http.Request, raw []byte) answer {
	var in awsLogin
	if err := json.Unmarshal(raw, &in); err != nil {
		return errs(http.StatusBadRequest, "failed to parse JSON input: "+err.Error())
	}
	req, msg := decodeIAMRequest(in)
	if msg != "" {
		return errs(http.StatusBadRequest, msg)
	}
	key, msg := a.verify(req)
	if msg != "" {
		return errs(http.StatusBadRequest, msg)
	}
	name := in.Role
	if name == "" {
		name = friendlyName(key.ARN)
	}
	role, ok := a.roles[name]
	if !ok {
		return errs(http.StatusBadRequest, fmt.Sprintf("entry for role %q not found", name))
	}
	if b := role.BoundIAMPrincipalARN; b != "" && b != key.ARN && !(strings.HasSuffix(b, "*") && strings.HasPrefix(key.ARN, strings.TrimSuffix(b, "*"))) {
		return errs(http.StatusForbidden, fmt.Sprintf("IAM Principal %q does not belong to the role %q", key.ARN, name))
	}
	return n.issue(role.Policies, role.TTL, map[string]string{"role": name, "canonical_arn": key.ARN})
}

// iamRequest is the STS request a login forwards.
type iamRequest struct {
	url     *url.URL
	headers http.Header
	body    []byte
}

func decodeIAMRequest(in awsLogin) (iamRequest, string) {
	dec := base64.StdEncoding.DecodeString
	if in.Method != http.MethodPost {
		return iamRequest{}, "invalid iam_http_request_method; can only be 'POST'"
	}
	rawURL, err1 := dec(in.URL)
	body, err2 := dec(in.Body)
	rawHeaders, err3 := dec(in.Headers)
	if err1 != nil || err2 != nil || err3 != nil {
		return iamRequest{}, "failed to base64 decode iam_request_url, iam_request_body or iam_request_headers"
	}
	u, err := url.Parse(string(rawURL))
	if err != nil || u.Scheme != "https" || stsHostRegion(u.Host) == "" {
		return iamRequest{}, fmt.Sprintf("invalid iam_request_url %q: not an STS endpoint", rawURL)
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("Action") != "GetCallerIdentity" || form.Get("Version") != "2011-06-15" {
		return iamRequest{}, "iam_request_body must be a GetCallerIdentity request (Action=GetCallerIdentity&Version=2011-06-15)"
	}
	h, err := parseHeaders(rawHeaders)
	if err != nil {
		return iamRequest{}, "iam_request_headers: " + err.Error()
	}
	return iamRequest{url: u, headers: h, body: body}, ""
}

// parseHeaders reads the JSON headers: each value a string or a list.
func parseHeaders(raw []byte) (http.Header, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("not a JSON object: %v", err)
	}
	h := http.Header{}
	for k, v := range m {
		switch t := v.(type) {
		case string:
			h.Add(k, t)
		case []any:
			for _, e := range t {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("header %q holds a non-string", k)
				}
				h.Add(k, s)
			}
		default:
			return nil, fmt.Errorf("header %q is neither a string nor a list", k)
		}
	}
	return h, nil
}

// verify checks what Vault checks itself and what STS would: the server ID
// header, the SigV4 signature, its scope and date, and the session token.
func (a *AWS) verify(req iamRequest) (AWSKey, string) {
	const upstream = "error making upstream request: received error code 403 from STS: "
	sig, err := parseSigV4(req.headers.Get("Authorization"))
	if err != nil {
		return AWSKey{}, upstream + "IncompleteSignature: " + err.Error()
	}
	if a.serverID != "" {
		switch got := req.headers.Get("X-Vault-AWS-IAM-Server-ID"); {
		case got == "":
			return AWSKey{}, "error validating X-Vault-AWS-IAM-Server-ID header: missing header \"X-Vault-AWS-IAM-Server-ID\""
		case got != a.serverID:
			return AWSKey{}, fmt.Sprintf("error validating X-Vault-AWS-IAM-Server-ID header: expected %q but got %q", a.serverID, got)
		case !slices.Contains(sig.signedHeaders, "x-vault-aws-iam-server-id"):
			return AWSKey{}, "error validating X-Vault-AWS-IAM-Server-ID header: vault header wasn't signed"
		}
	}
	key, ok := a.keys[sig.accessKey]
	if !ok {
		return AWSKey{}, upstream + "InvalidClientTokenId: The security token included in the request is invalid."
	}
	region := a.stsRegion
	if region == "" {
		region = stsHostRegion(req.url.Host)
	}
	switch {
	case sig.region != region || sig.service != "sts":
		return AWSKey{}, upstream + fmt.Sprintf("SignatureDoesNotMatch: Credential should be scoped to a valid region and service (want %s/sts)", region)
	case key.SessionToken != "" && (req.headers.Get("X-Amz-Security-Token") != key.SessionToken || !slices.Contains(sig.signedHeaders, "x-amz-security-token")):
		return AWSKey{}, upstream + "InvalidClientTokenId: The security token included in the request is invalid."
	}
	if err := checkSigV4Date(req.headers, sig, a.n.s.now()); err != nil {
		return AWSKey{}, upstream + err.Error()
	}
	if err := verifySigV4(http.MethodPost, req.url, req.headers, req.body, sig, key.Secret); err != nil {
		return AWSKey{}, upstream + err.Error()
	}
	return key, ""
}

// stsHostRegion is the signing region an STS host expects: us-east-1 for
// the global endpoint; "" for a host that is not STS.
func stsHostRegion(host string) string {
	if host == "sts.amazonaws.com" {
		return "us-east-1"
	}
	for _, suffix := range []string{".amazonaws.com", ".amazonaws.com.cn"} {
		if r, ok := strings.CutSuffix(host, suffix); ok {
			if r, ok := strings.CutPrefix(r, "sts."); ok && r != "" && !strings.Contains(r, ".") {
				return r
			}
		}
	}
	return ""
}

// friendlyName is the role or user name in an IAM or assumed-role ARN,
// what Vault uses as the role when a login names none.
func friendlyName(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	res := strings.Split(parts[5], "/")
	if res[0] == "assumed-role" && len(res) > 1 {
		return res[1]
	}
	return res[len(res)-1]
}
