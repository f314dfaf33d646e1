package ecrtest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// The JSON 1.1 protocol of both services.
const (
	jsonContentType = "application/x-amz-json-1.1"
	ecrTarget       = "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken"
	publicTarget    = "SpencerFrontendService.GetAuthorizationToken"
)

var (
	accountIDRE  = regexp.MustCompile(`^[0-9]{12}$`)
	arnAccountRE = regexp.MustCompile(`^arn:aws:(?:iam|sts)::([0-9]{12}):`)
)

// serveECR answers GetAuthorizationToken of ECR and ECR Public. It checks,
// in AWS's order: the protocol (method, content type, target), the SigV4
// signature against the caller's secret, the JSON body, the caller's IAM
// permissions, then injected faults.
func (c *Cloud) serveECR(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	c.noteSigner(r)
	op, service := ECR, "ecr"
	switch r.Header.Get("X-Amz-Target") {
	case ecrTarget:
	case publicTarget:
		op, service = ECRPublic, "ecr-public"
	default:
		c.jsonError(w, 400, "UnknownOperationException", "unknown operation "+strconv.Quote(r.Header.Get("X-Amz-Target")))
		return
	}
	c.count(op)
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		c.jsonError(w, 404, "UnknownOperationException", "the JSON protocol is POST /")
		return
	}
	if r.Header.Get("Content-Type") != jsonContentType {
		c.jsonError(w, 400, "SerializationException", "content type must be "+jsonContentType)
		return
	}
	who, failure := verifySigV4(r, body, c.now(), c.key, service)
	if failure != nil {
		code := map[int]string{badSignature: "InvalidSignatureException", unknownKey: "UnrecognizedClientException",
			missingAuth: "MissingAuthenticationTokenException", expiredKey: "ExpiredTokenException"}[failure.kind]
		c.jsonError(w, 400, code, failure.msg)
		return
	}
	if op == ECRPublic && who.region != "us-east-1" {
		c.jsonError(w, 400, "InvalidSignatureException", "Credential should be scoped to a valid region. ")
		return
	}
	if msg := checkTokenRequest(op, body); msg != "" {
		c.jsonError(w, 400, "SerializationException", msg)
		return
	}
	for _, action := range requiredActions(op) {
		if !c.allowed(who.key.policy, action) {
			c.jsonError(w, 400, "AccessDeniedException", notAuthorized(who.key.arn, action))
			return
		}
	}
	if c.fault(w, r, op, who) {
		return
	}
	c.issue(w, op, who)
}

// checkTokenRequest checks the body the way the services' JSON parsers do:
// an object; for ECR an optional list of 12-digit registry IDs.
func checkTokenRequest(op Op, body []byte) string {
	var req struct {
		RegistryIDs []string `json:"registryIds"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return "request body is not a GetAuthorizationToken request: " + err.Error()
	}
	if op == ECRPublic && req.RegistryIDs != nil {
		return "ECR Public GetAuthorizationToken takes no registryIds"
	}
	for _, id := range req.RegistryIDs {
		if !accountIDRE.MatchString(id) {
			return fmt.Sprintf("registryIds: %q is not a 12-digit account ID", id)
		}
	}
	return ""
}

func requiredActions(op Op) []string {
	if op == ECRPublic {
		return []string{"ecr-public:GetAuthorizationToken", "sts:GetServiceBearerToken"}
	}
	return []string{"ecr:GetAuthorizationToken"}
}

func notAuthorized(arn, action string) string {
	return fmt.Sprintf("User: %s is not authorized to perform: %s on resource: * because no identity-based policy allows the %s action", arn, action, action)
}

// fault answers an injected failure, if one is queued.
func (c *Cloud) fault(w http.ResponseWriter, r *http.Request, op Op, who signed) bool {
	switch c.nextFault(op) {
	case Throttle:
		c.jsonError(w, 400, "ThrottlingException", "Rate exceeded")
	case AccessDenied:
		c.jsonError(w, 400, "AccessDeniedException", notAuthorized(who.key.arn, string(op)))
	case ServerError:
		c.jsonError(w, 500, "ServerException", "Internal service error")
	case Slow:
		select {
		case <-r.Context().Done():
		case <-c.release:
		}
		c.jsonError(w, 500, "ServerException", "slow response gave up")
	default:
		return false
	}
	return true
}

// issue answers a token: base64("AWS:<password>"), the password shaped like
// ECR's (base64 of a JSON envelope, a couple of kilobytes).
func (c *Cloud) issue(w http.ResponseWriter, op Op, who signed) {
	now := c.now()
	expires := now.Add(c.ttl).Truncate(time.Millisecond)
	envelope, _ := json.Marshal(map[string]any{
		"payload": randBase64(1200), "datakey": randBase64(280), "version": "2",
		"type": "DATA_KEY", "expiration": expires.Unix(),
	})
	password := base64.StdEncoding.EncodeToString(envelope)
	c.mu.Lock()
	c.issued[password] = Grant{Principal: who.key.arn, Region: who.region, Public: op == ECRPublic, ExpiresAt: expires}
	c.mu.Unlock()

	data := map[string]any{
		"authorizationToken": base64.StdEncoding.EncodeToString([]byte("AWS:" + password)),
		"expiresAt":          json.Number(strconv.FormatFloat(float64(expires.UnixMilli())/1000, 'f', 3, 64)),
	}
	var out any = map[string]any{"authorizationData": data}
	if op == ECR {
		data["proxyEndpoint"] = fmt.Sprintf("https://%s.dkr.ecr.%s.amazonaws.com", accountOf(who.key.arn), who.region)
		out = map[string]any{"authorizationData": []any{data}}
	}
	c.writeJSON(w, 200, out)
}

// accountOf reads the account from an IAM or STS ARN.
func accountOf(arn string) string {
	m := arnAccountRE.FindStringSubmatch(arn)
	if m == nil {
		return Account
	}
	return m[1]
}

func (c *Cloud) count(op Op) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[op]++
}

// jsonError answers an error in the JSON 1.1 shape AWS uses.
func (c *Cloud) jsonError(w http.ResponseWriter, status int, code, msg string) {
	c.reject("%s: %s", code, msg)
	w.Header().Set("X-Amzn-ErrorType", code)
	c.writeJSON(w, status, map[string]string{"__type": code, "message": msg})
}

func (c *Cloud) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonContentType)
	w.Header().Set("X-Amzn-RequestId", requestID())
	w.Header().Set("Date", c.now().UTC().Format(http.TimeFormat))
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func requestID() string {
	b := randBytes(16)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
