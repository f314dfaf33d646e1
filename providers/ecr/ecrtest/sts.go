package ecrtest

import (
	"context"
	"crypto/hmac"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/regcred/regcred/internal/oidctest"
)

// role is an IAM role and who may assume it.
type role struct {
	name, arn string
	trust     Trust
}

// Trust is a role's trust policy.
type Trust struct {
	// Principals may call sts:AssumeRole (user or assumed-role ARNs).
	Principals []string
	// ExternalID, when set, must accompany AssumeRole.
	ExternalID string
	// WebIdentityTokens are the OIDC tokens AssumeRoleWithWebIdentity
	// accepts (the fake does not parse JWTs; it knows the tokens it trusts).
	WebIdentityTokens []string
	// OIDC, when set, trusts the tokens of an OIDC provider as real STS
	// does: signature against the issuer's JWKS, the audience (the IAM
	// OIDC provider's client ID) and the subject (the trust policy's
	// :sub condition), and expiry.
	OIDC *OIDCTrust
}

// OIDCTrust is an IAM OIDC identity provider and the sub condition of a
// role's trust policy.
type OIDCTrust struct{ Issuer, Audience, Subject string }

// NewRole creates an IAM role and returns its ARN.
func (c *Cloud) NewRole(name string, trust Trust) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", c.account, name)
	c.roles[arn] = &role{name: name, arn: arn, trust: trust}
	return arn
}

func (c *Cloud) role(arn string) *role {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.roles[arn]
}

var (
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	resultTagRE   = regexp.MustCompile(`(</?)Result>`)
)

// serveSTS answers the query-protocol STS actions the SDK's credential
// providers use: AssumeRoleWithWebIdentity (unsigned; the token is the
// proof) and AssumeRole (SigV4-signed by the caller).
func (c *Cloud) serveSTS(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	c.noteSigner(r)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if r.Method != http.MethodPost || mt != "application/x-www-form-urlencoded" {
		c.stsError(w, 400, "InvalidAction", "STS takes POST application/x-www-form-urlencoded")
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil || form.Get("Version") != "2011-06-15" {
		c.stsError(w, 400, "InvalidAction", "malformed query or missing Version=2011-06-15")
		return
	}
	switch form.Get("Action") {
	case "AssumeRoleWithWebIdentity":
		c.count(AssumeRoleWithWebIdentity)
		c.assumeRoleWithWebIdentity(w, form)
	case "AssumeRole":
		c.count(AssumeRole)
		c.assumeRole(w, r, body, form)
	default:
		c.stsError(w, 400, "InvalidAction", "Could not find operation "+form.Get("Action")+" for version 2011-06-15")
	}
}

func (c *Cloud) assumeRoleWithWebIdentity(w http.ResponseWriter, form url.Values) {
	rl, session, d, ok := c.stsCommon(w, form)
	if !ok {
		return
	}
	tok := form.Get("WebIdentityToken")
	if rl.trust.OIDC != nil {
		c.assumeWithOIDC(w, rl, session, d, tok)
		return
	}
	trusted := false
	for _, t := range rl.trust.WebIdentityTokens {
		trusted = trusted || hmac.Equal([]byte(t), []byte(tok))
	}
	if tok == "" || !trusted {
		c.stsError(w, 400, "InvalidIdentityToken", "Couldn't verify the web identity token for role "+rl.arn)
		return
	}
	c.stsCredentials(w, "AssumeRoleWithWebIdentity", c.tempKeys(rl, session, d))
}

func (c *Cloud) assumeRole(w http.ResponseWriter, r *http.Request, body []byte, form url.Values) {
	who, failure := verifySigV4(r, body, c.now(), c.key, "sts")
	if failure != nil {
		code := map[int]string{badSignature: "SignatureDoesNotMatch", unknownKey: "InvalidClientTokenId",
			missingAuth: "MissingAuthenticationToken", expiredKey: "ExpiredToken"}[failure.kind]
		c.stsError(w, 403, code, failure.msg)
		return
	}
	rl, session, d, ok := c.stsCommon(w, form)
	if !ok {
		return
	}
	trusted := false
	for _, p := range rl.trust.Principals {
		trusted = trusted || p == who.key.arn
	}
	if !trusted || (rl.trust.ExternalID != "" && !hmac.Equal([]byte(rl.trust.ExternalID), []byte(form.Get("ExternalId")))) {
		c.stsError(w, 403, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", who.key.arn, rl.arn))
		return
	}
	c.stsCredentials(w, "AssumeRole", c.tempKeys(rl, session, d))
}

// stsCommon checks what both actions share: the role, the session name and
// the duration.
func (c *Cloud) stsCommon(w http.ResponseWriter, form url.Values) (*role, string, time.Duration, bool) {
	session := form.Get("RoleSessionName")
	if !sessionNameRE.MatchString(session) {
		c.stsError(w, 400, "ValidationError", "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint")
		return nil, "", 0, false
	}
	d := time.Hour
	if s := form.Get("DurationSeconds"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 900 || n > 43200 {
			c.stsError(w, 400, "ValidationError", "DurationSeconds must be between 900 and 43200")
			return nil, "", 0, false
		}
		d = time.Duration(n) * time.Second
	}
	rl := c.role(form.Get("RoleArn"))
	if rl == nil {
		c.stsError(w, 403, "AccessDenied", "Not authorized to perform sts:AssumeRole on "+form.Get("RoleArn"))
		return nil, "", 0, false
	}
	return rl, session, d, true
}

type stsCreds struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

type stsResult struct {
	Credentials     stsCreds `xml:"Credentials"`
	AssumedRoleUser struct {
		Arn           string `xml:"Arn"`
		AssumedRoleID string `xml:"AssumedRoleId"`
	} `xml:"AssumedRoleUser"`
}

func (c *Cloud) stsCredentials(w http.ResponseWriter, action string, k Keys) {
	var res stsResult
	res.Credentials = stsCreds{k.AccessKeyID, k.SecretAccessKey, k.SessionToken, k.Expires.UTC().Format(time.RFC3339)}
	res.AssumedRoleUser.Arn = k.ARN
	res.AssumedRoleUser.AssumedRoleID = "AROA" + randUpper(17)
	out := struct {
		XMLName xml.Name
		Xmlns   string    `xml:"xmlns,attr"`
		Result  stsResult `xml:"Result"`
		Meta    struct {
			RequestID string `xml:"RequestId"`
		} `xml:"ResponseMetadata"`
	}{XMLName: xml.Name{Local: action + "Response"}, Xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", Result: res}
	out.Meta.RequestID = requestID()
	c.writeXML(w, 200, out, action+"Result")
}

// stsError answers the query protocol's error document.
func (c *Cloud) stsError(w http.ResponseWriter, status int, code, msg string) {
	c.reject("sts %s: %s", code, msg)
	var doc struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Error   struct {
			Type    string `xml:"Type"`
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		} `xml:"Error"`
		RequestID string `xml:"RequestId"`
	}
	doc.Xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"
	doc.Error.Type, doc.Error.Code, doc.Error.Message = "Sender", code, msg
	doc.RequestID = requestID()
	c.writeXML(w, status, doc, "")
}

// writeXML encodes v; resultName renames the generic Result element to the
// action's (<AssumeRoleResult>), which encoding/xml cannot do by tag.
func (c *Cloud) writeXML(w http.ResponseWriter, status int, v any, resultName string) {
	b, err := xml.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	if resultName != "" {
		b = resultTagRE.ReplaceAll(b, []byte("${1}"+resultName+">"))
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Date", c.now().UTC().Format(http.TimeFormat))
	w.WriteHeader(status)
	_, _ = w.Write(append([]byte(xml.Header), b...))
}

// assumeWithOIDC judges tok as STS does for a role trusting an OIDC
// provider, with STS's error codes.
func (c *Cloud) assumeWithOIDC(w http.ResponseWriter, rl *role, session string, d time.Duration, tok string) {
	o := rl.trust.OIDC
	claims, err := oidctest.Verifier{Issuer: o.Issuer, Audience: o.Audience}.Verify(context.Background(), tok)
	switch {
	case errors.Is(err, oidctest.ErrAudience):
		c.stsError(w, 400, "InvalidIdentityToken", "Incorrect token audience")
	case errors.Is(err, oidctest.ErrExpired):
		c.stsError(w, 400, "ExpiredTokenException", "Token expired: current date/time must be before the expiration date/time")
	case err != nil:
		c.stsError(w, 400, "InvalidIdentityToken", "Couldn't verify the web identity token: "+err.Error())
	case claims.Subject != o.Subject:
		c.stsError(w, 403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
	default:
		c.stsCredentials(w, "AssumeRoleWithWebIdentity", c.tempKeys(rl, session, d))
	}
}
