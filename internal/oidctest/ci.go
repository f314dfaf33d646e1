package oidctest

import (
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
)

func (iss *Issuer) ciRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /github/idtoken", iss.github)
	mux.HandleFunc("POST /buildkite/jobs/{job}/oidc/tokens", iss.buildkite)
}

// requestToken is the bearer a job of this issuer's CI is given: one per
// issuer, made on first use.
func (iss *Issuer) requestToken() string {
	iss.mu.Lock()
	defer iss.mu.Unlock()
	if iss.reqToken == "" {
		iss.reqToken = "ci-request-" + rand.Text()
	}
	return iss.reqToken
}

// RequestToken is the request token the CI endpoints require, for leak
// scans.
func (iss *Issuer) RequestToken() string { return iss.requestToken() }

// GitHubEnv is the environment GitHub Actions gives a job with
// `permissions: id-token: write`.
func (iss *Issuer) GitHubEnv() map[string]string {
	return map[string]string{
		"GITHUB_ACTIONS":                 "true",
		"ACTIONS_ID_TOKEN_REQUEST_URL":   iss.URL + "/github/idtoken?api-version=2.0",
		"ACTIONS_ID_TOKEN_REQUEST_TOKEN": iss.requestToken(),
	}
}

// BuildkiteJob is the job id BuildkiteEnv names.
const BuildkiteJob = "0190a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"

// BuildkiteEnv is the environment a Buildkite agent gives a job.
func (iss *Issuer) BuildkiteEnv() map[string]string {
	return map[string]string{
		"BUILDKITE":                    "true",
		"BUILDKITE_AGENT_ENDPOINT":     iss.URL + "/buildkite",
		"BUILDKITE_JOB_ID":             BuildkiteJob,
		"BUILDKITE_AGENT_ACCESS_TOKEN": iss.requestToken(),
	}
}

// github is GitHub Actions' ID token endpoint: the request token as a
// bearer, the audience in the query, the token as {"value"}.
func (iss *Issuer) github(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+iss.requestToken() {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable or bad request token"})
		return
	}
	aud := r.URL.Query().Get("audience")
	if aud == "" {
		aud = DefaultAudience
	}
	writeJSON(w, http.StatusOK, map[string]string{"count": "1", "value": iss.issue(aud)})
}

// buildkite is the agent API's OIDC endpoint: `Token <agent token>`, the
// audience in a JSON body, the token as {"token"}.
func (iss *Issuer) buildkite(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Token "+iss.requestToken() {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
		return
	}
	if r.PathValue("job") != BuildkiteJob {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "No job found"})
		return
	}
	var body struct {
		Audience string `json:"audience"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "body must be JSON"})
			return
		}
	}
	aud := body.Audience
	if aud == "" {
		aud = "https://buildkite.com/regcred-test"
	}
	writeJSON(w, http.StatusCreated, map[string]string{"token": iss.issue(aud)})
}

func (iss *Issuer) issue(aud string) string {
	iss.mu.Lock()
	iss.asks++
	iss.mu.Unlock()
	return iss.Token(iss.Subject, aud, iss.TTL)
}
