package ecrtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The IMDS fake refuses what IMDSv2 refuses and answers the instance
// profile's keys in IMDS's shape.
func TestIMDSWantsASession(t *testing.T) {
	c := New(t)
	arn := c.NewRole("node", Trust{})
	imds := c.NewIMDS(IMDSOptions{RoleARN: arn})
	base := imds.URL()
	do := func(method, path string, header map[string]string) (int, string) {
		req, err := http.NewRequest(method, base+path, nil)
		require.NoError(t, err)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	ttl := map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "21600"}
	status, tok := do(http.MethodPut, "/latest/api/token", ttl)
	require.Equal(t, http.StatusOK, status)
	session := map[string]string{"X-aws-ec2-metadata-token": tok}

	tests := []struct {
		name, method, path string
		header             map[string]string
		status             int
		body               string
	}{
		{name: "session without a TTL", method: http.MethodPut, path: "/latest/api/token", status: http.StatusBadRequest},
		{name: "session too long", method: http.MethodPut, path: "/latest/api/token", header: map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "21601"}, status: http.StatusBadRequest},
		{name: "session through a proxy", method: http.MethodPut, path: "/latest/api/token", header: map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "60", "X-Forwarded-For": "10.0.0.1"}, status: http.StatusForbidden},
		{name: "session by GET", method: http.MethodGet, path: "/latest/api/token", header: ttl, status: http.StatusMethodNotAllowed},
		{name: "IMDSv1", method: http.MethodGet, path: imdsCredsPath, status: http.StatusUnauthorized},
		{name: "a wrong token", method: http.MethodGet, path: imdsCredsPath, header: map[string]string{"X-aws-ec2-metadata-token": tok + "x"}, status: http.StatusUnauthorized},
		{name: "role name", method: http.MethodGet, path: imdsCredsPath, header: session, status: http.StatusOK, body: "node"},
		{name: "another role", method: http.MethodGet, path: imdsCredsPath + "admin", header: session, status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := do(tt.method, tt.path, tt.header)
			assert.Equal(t, tt.status, status, body)
			if tt.body != "" {
				assert.Equal(t, tt.body, body)
			}
		})
	}

	status, body := do(http.MethodGet, imdsCredsPath+"node", session)
	require.Equal(t, http.StatusOK, status)
	var creds map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &creds))
	assert.Equal(t, "Success", creds["Code"])
	assert.Equal(t, "AWS-HMAC", creds["Type"])
	assert.True(t, strings.HasPrefix(creds["AccessKeyId"], "ASIA"))
	issued := imds.Issued()
	require.Len(t, issued, 1)
	assert.Equal(t, issued[0].AccessKeyID, creds["AccessKeyId"])
	assert.Equal(t, issued[0].SessionToken, creds["Token"])
	assert.Equal(t, "arn:aws:sts::"+Account+":assumed-role/node/"+imds.InstanceID, issued[0].ARN)
}
