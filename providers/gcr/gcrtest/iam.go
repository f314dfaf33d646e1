package gcrtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// AllowImpersonation grants caller (a principal the fakes issue tokens to)
// roles/iam.serviceAccountTokenCreator on the target service account.
func (s *Server) AllowImpersonation(caller, target string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.impersonators[target] == nil {
		s.impersonators[target] = map[string]bool{}
	}
	s.impersonators[target][caller] = true
}

// handleIAM is iamcredentials.googleapis.com's
// projects/-/serviceAccounts/{email}:generateAccessToken.
func (s *Server) handleIAM(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/v1/projects/-/serviceAccounts/")
	target, isGen := strings.CutSuffix(name, ":generateAccessToken")
	if !ok || !isGen || r.Method != http.MethodPost {
		googleAPIError(w, http.StatusNotFound, "NOT_FOUND", "Method not found.")
		return
	}
	caller, ok := s.bearer(r)
	if !ok {
		googleAPIError(w, http.StatusUnauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.")
		return
	}
	if !slices.Contains(caller.Scopes, CloudPlatformScope) {
		googleAPIError(w, http.StatusForbidden, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
		return
	}
	var req struct {
		Scope    []string `json:"scope"`
		Lifetime string   `json:"lifetime"`
	}
	lifetime, err := int64(0), json.NewDecoder(r.Body).Decode(&req)
	if err == nil && req.Lifetime != "" {
		lifetime, err = strconv.ParseInt(strings.TrimSuffix(req.Lifetime, "s"), 10, 64)
	}
	if !validAccountName(target) {
		googleAPIError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid form of account ID "+target+". Should be [Gaia ID |Email |Unique ID |] of the account")
		return
	}
	if err != nil || len(req.Scope) == 0 || checkScopes(req.Scope) != nil || lifetime < 0 || lifetime > 3600 {
		googleAPIError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Request contains an invalid argument.")
		return
	}
	s.mu.Lock()
	allowed := s.impersonators[target][caller.Principal]
	s.mu.Unlock()
	if !allowed {
		googleAPIError(w, http.StatusForbidden, "PERMISSION_DENIED", "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).")
		return
	}
	a := s.mint(target, req.Scope, "iam", lifetime)
	writeJSON(w, http.StatusOK, map[string]string{"accessToken": a.token, "expireTime": a.expiry.UTC().Format(time.RFC3339)})
}

// bearer returns the live token the request's Authorization header carries.
func (s *Server) bearer(r *http.Request) (Issued, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return Issued{}, false
	}
	iss, ok := s.Lookup(tok)
	return iss, ok && s.clock().Before(iss.Expiry)
}

// validAccountName is what the API takes for {email} in its path: a
// service-account e-mail or a numeric unique id.
func validAccountName(name string) bool {
	if name == "" {
		return false
	}
	if strings.Trim(name, "0123456789") == "" {
		return true
	}
	local, domain, ok := strings.Cut(name, "@")
	return ok && local != "" && strings.HasSuffix(domain, ".gserviceaccount.com") && !strings.ContainsAny(name, "/?#% ")
}
