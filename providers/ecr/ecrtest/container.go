package ecrtest

import (
	"crypto/hmac"
	"encoding/json"
	"github.com/stretchr/testify/require"
	"net/http"
	"net/http/httptest"
	"time"
)

// PodIdentity starts a container credentials endpoint (what the EKS Pod
// Identity agent serves, and ECS) that hands out the credentials of
// roleARN's session to callers presenting the returned authorization token.
// Point AWS_CONTAINER_CREDENTIALS_FULL_URI at the URL and
// AWS_CONTAINER_AUTHORIZATION_TOKEN (or _FILE) at the token.
func (c *Cloud) PodIdentity(roleARN string) (endpoint, authToken string) {
	c.t.Helper()
	rl := c.role(roleARN)
	require.NotNil(c.t, rl, "ecrtest: PodIdentity: no role %s", roleARN)
	authToken = "eyJhbGciOiJSUzI1NiJ9." + randBase64(120)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.count(ContainerCredentials)
		if r.Method != http.MethodGet {
			c.containerError(w, http.StatusMethodNotAllowed, "InvalidRequest", "use GET")
			return
		}
		if !hmac.Equal([]byte(r.Header.Get("Authorization")), []byte(authToken)) {
			c.containerError(w, http.StatusUnauthorized, "AccessDeniedException", "Service account token cannot be verified")
			return
		}
		k := c.tempKeys(rl, "eks-pod-identity", 6*time.Hour)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"AccessKeyId": k.AccessKeyID, "SecretAccessKey": k.SecretAccessKey, "Token": k.SessionToken,
			"AccountId": c.account, "Expiration": k.Expires.UTC().Format(time.RFC3339),
		})
	}))
	c.t.Cleanup(srv.Close)
	return srv.URL + "/v1/credentials", authToken
}

func (c *Cloud) containerError(w http.ResponseWriter, status int, code, msg string) {
	c.reject("container credentials %s: %s", code, msg)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"code": code, "message": msg})
}
