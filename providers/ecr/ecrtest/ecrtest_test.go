package ecrtest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// call is one raw request to the fake, signed by the SDK's own v4 signer
// (an independent implementation of what the fake verifies) and then
// optionally tampered with.
type call struct {
	target, contentType, body string
	service, region           string
	keys                      Keys
	signedAt                  time.Time
	unsigned                  bool
	tamper                    func(*http.Request)
}

func (c call) do(t *testing.T, endpoint string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(c.body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", c.contentType)
	req.Header.Set("X-Amz-Target", c.target)
	if !c.unsigned {
		sum := sha256.Sum256([]byte(c.body))
		creds := aws.Credentials{AccessKeyID: c.keys.AccessKeyID, SecretAccessKey: c.keys.SecretAccessKey, SessionToken: c.keys.SessionToken}
		require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), c.service, c.region, c.signedAt))
	}
	if c.tamper != nil {
		c.tamper(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	require.NoError(t, json.Unmarshal(b, &out), "answer is not JSON: %q", b)
	return resp.StatusCode, out
}

func TestECRVerifiesRequests(t *testing.T) {
	cloud := New(t)
	user := cloud.NewUser("ci")
	role := cloud.NewRole("r", Trust{})
	temp := cloud.tempKeys(cloud.role(role), "s", time.Hour)
	good := func() call {
		return call{target: ecrTarget, contentType: jsonContentType, body: "{}", service: "ecr", region: "us-east-1", keys: user, signedAt: time.Now()}
	}
	with := func(f func(*call)) call { c := good(); f(&c); return c }
	tests := []struct {
		name       string
		call       call
		wantStatus int
		wantType   string
	}{
		{"valid", good(), 200, ""},
		{"valid with registry ids", with(func(c *call) { c.body = `{"registryIds":["123456789012"]}` }), 200, ""},
		{"valid temporary keys", with(func(c *call) { c.keys = temp }), 200, ""},
		{"valid ECR Public", with(func(c *call) { c.target, c.service = publicTarget, "ecr-public" }), 200, ""},
		{"body changed after signing", with(func(c *call) {
			c.tamper = func(r *http.Request) {
				r.Body = io.NopCloser(strings.NewReader(`{"registryIds":["210987654321"]}`))
				r.ContentLength = int64(len(`{"registryIds":["210987654321"]}`))
			}
		}), 400, "InvalidSignatureException"},
		{"signed header changed after signing", with(func(c *call) {
			// One second before the signing time, never the same second
			// (X-Amz-Date has one-second resolution).
			changed := c.signedAt.Add(-time.Second).UTC().Format(amzDate)
			c.tamper = func(r *http.Request) { r.Header.Set("X-Amz-Date", changed) }
		}), 400, "InvalidSignatureException"},
		{"wrong secret", with(func(c *call) { c.keys.SecretAccessKey = "wrong" + c.keys.SecretAccessKey }), 400, "InvalidSignatureException"},
		{"scoped to another service", with(func(c *call) { c.service = "ecr-public" }), 400, "InvalidSignatureException"},
		{"signed too long ago", with(func(c *call) { c.signedAt = time.Now().Add(-10 * time.Minute) }), 400, "InvalidSignatureException"},
		{"unknown access key", with(func(c *call) { c.keys.AccessKeyID = "AKIAUNKNOWN000000000" }), 400, "UnrecognizedClientException"},
		{"temporary keys without session token", with(func(c *call) { c.keys = temp; c.keys.SessionToken = "" }), 400, "UnrecognizedClientException"},
		{"unsigned", with(func(c *call) { c.unsigned = true }), 400, "MissingAuthenticationTokenException"},
		{"wrong content type", with(func(c *call) { c.contentType = "application/json" }), 400, "SerializationException"},
		{"unknown operation", with(func(c *call) { c.target = "AmazonEC2ContainerRegistry_V20150921.DeleteRepository" }), 400, "UnknownOperationException"},
		{"unknown body field", with(func(c *call) { c.body = `{"registryId":"123456789012"}` }), 400, "SerializationException"},
		{"bad registry id", with(func(c *call) { c.body = `{"registryIds":["1234"]}` }), 400, "SerializationException"},
		{"ECR Public outside us-east-1", with(func(c *call) { c.target, c.service, c.region = publicTarget, "ecr-public", "eu-west-1" }), 400, "InvalidSignatureException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, out := tt.call.do(t, cloud.ECRURL())
			require.Equal(t, tt.wantStatus, status, "answer %v", out)
			if tt.wantType == "" {
				assert.Contains(t, out, "authorizationData")
				return
			}
			assert.Equal(t, tt.wantType, out["__type"], "message %v", out["message"])
		})
	}
}

func TestECRChecksTheClock(t *testing.T) {
	cloud := New(t, WithClock(func() time.Time { return time.Now().Add(time.Hour) }))
	c := call{target: ecrTarget, contentType: jsonContentType, body: "{}", service: "ecr", region: "us-east-1", keys: cloud.NewUser("ci"), signedAt: time.Now()}
	status, out := c.do(t, cloud.ECRURL())
	require.Equal(t, 400, status, "answer %v", out)
	msg, _ := out["message"].(string)
	require.True(t, strings.HasPrefix(msg, "Signature expired"), "answer %v, want Signature expired", out)
}

func TestIssuedTokensAreRecorded(t *testing.T) {
	cloud := New(t)
	user := cloud.NewUser("ci")
	c := call{target: ecrTarget, contentType: jsonContentType, body: "{}", service: "ecr", region: "ap-south-1", keys: user, signedAt: time.Now()}
	_, out := c.do(t, cloud.ECRURL())
	data := out["authorizationData"].([]any)[0].(map[string]any)
	raw, err := base64Decode(data["authorizationToken"].(string))
	require.NoError(t, err, "token %q is not base64", data["authorizationToken"])
	require.True(t, strings.HasPrefix(raw, "AWS:"), "token %q is not base64(AWS:password)", data["authorizationToken"])
	g, ok := cloud.Lookup(strings.TrimPrefix(raw, "AWS:"))
	assert.True(t, ok, "Lookup does not know the password issued")
	assert.Equal(t, user.ARN, g.Principal)
	assert.Equal(t, "ap-south-1", g.Region)
	assert.False(t, g.Public)
	assert.Equal(t, "https://123456789012.dkr.ecr.ap-south-1.amazonaws.com", data["proxyEndpoint"])
	_, ok = cloud.Lookup("not-issued")
	assert.False(t, ok, "Lookup accepted a password the cloud never issued")
	assert.Equal(t, 1, cloud.Calls(ECR))
}

func TestSTSVerifiesAssumeRole(t *testing.T) {
	cloud := New(t)
	user := cloud.NewUser("ci")
	role := cloud.NewRole("puller", Trust{Principals: []string{user.ARN}, ExternalID: "ext"})
	form := func(ext string) string {
		v := url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {role}, "RoleSessionName": {"s1"}}
		if ext != "" {
			v.Set("ExternalId", ext)
		}
		return v.Encode()
	}
	tests := []struct {
		name       string
		call       call
		wantStatus int
		wantCode   string
	}{
		{"valid", call{body: form("ext"), keys: user}, 200, ""},
		{"wrong external id", call{body: form("nope"), keys: user}, 403, "AccessDenied"},
		{"unsigned", call{body: form("ext"), unsigned: true}, 403, "MissingAuthenticationToken"},
		{"wrong secret", call{body: form("ext"), keys: Keys{AccessKeyID: user.AccessKeyID, SecretAccessKey: "x"}}, 403, "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.call
			c.contentType, c.service, c.region, c.signedAt = "application/x-www-form-urlencoded; charset=utf-8", "sts", "us-east-1", time.Now()
			req, _ := http.NewRequest(http.MethodPost, cloud.STSURL()+"/", strings.NewReader(c.body))
			req.Header.Set("Content-Type", c.contentType)
			if !c.unsigned {
				sum := sha256.Sum256([]byte(c.body))
				creds := aws.Credentials{AccessKeyID: c.keys.AccessKeyID, SecretAccessKey: c.keys.SecretAccessKey}
				require.NoError(t, v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sts", "us-east-1", c.signedAt))
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			require.Equal(t, tt.wantStatus, resp.StatusCode, "answer %s", b)
			if tt.wantCode != "" {
				assert.Contains(t, string(b), "<Code>"+tt.wantCode+"</Code>")
			} else {
				assert.Contains(t, string(b), "<AssumeRoleResult>")
			}
		})
	}
}

func base64Decode(s string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(s)
	return string(b), err
}

// SignedWith counts every request naming a key, refused ones too: a test
// asserting "this key never signed" must not pass because the signature
// happened to fail.
func TestSignedWithCountsEveryRequestNamingTheKey(t *testing.T) {
	cloud := New(t)
	user, other := cloud.NewUser("node"), cloud.NewUser("other")
	good := call{target: ecrTarget, contentType: jsonContentType, body: "{}", service: "ecr", region: "us-east-1", keys: user, signedAt: time.Now()}
	bad := good
	bad.keys.SecretAccessKey = "wrong" + bad.keys.SecretAccessKey
	unsigned := good
	unsigned.unsigned = true
	for _, c := range []call{good, bad, unsigned} {
		c.do(t, cloud.ECRURL())
	}
	assert.Equal(t, 2, cloud.SignedWith(user.AccessKeyID), "SignedWith(node): one good, one bad signature")
	assert.Zero(t, cloud.SignedWith(other.AccessKeyID), "SignedWith(other)")
}
