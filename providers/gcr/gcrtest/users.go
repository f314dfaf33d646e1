package gcrtest

import (
	"net/http"
)

// User is a gcloud user login: what `gcloud auth application-default
// login` writes as an authorized_user ADC file.
type User struct {
	Email        string
	ClientID     string
	ClientSecret string
	RefreshToken string
	server       *Server
	revoked      bool
}

// NewUser registers a user login with a fresh refresh token.
func (s *Server) NewUser(email string) *User {
	u := &User{
		Email:        email,
		ClientID:     randomDigits(12) + "-fake.apps.googleusercontent.com",
		ClientSecret: "d-FL95Q" + randomHex(8),
		RefreshToken: "1//fake" + randomHex(24),
		server:       s,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[u.RefreshToken] = u
	return u
}

// Revoke plays an expired or revoked refresh token (password change,
// `gcloud auth application-default revoke`, session-length policy).
func (u *User) Revoke() {
	u.server.mu.Lock()
	defer u.server.mu.Unlock()
	u.revoked = true
}

// ADCJSON is the authorized_user file gcloud writes, with `token_uri`
// pointing at the fake.
func (u *User) ADCJSON() []byte {
	return mustJSON(map[string]string{
		"type":            "authorized_user",
		"client_id":       u.ClientID,
		"client_secret":   u.ClientSecret,
		"refresh_token":   u.RefreshToken,
		"token_uri":       u.server.TokenURL(),
		"universe_domain": "googleapis.com",
	})
}

// refresh is the refresh-token grant; the client authenticates in the body
// (AuthStyleInParams), as Google's endpoint expects.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	s.mu.Lock()
	u := s.users[f.Get("refresh_token")]
	var revoked bool
	if u != nil {
		revoked = u.revoked
	}
	s.mu.Unlock()
	switch {
	case u == nil:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Bad Request")
	case f.Get("client_id") != u.ClientID || f.Get("client_secret") != u.ClientSecret:
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Unauthorized")
	case revoked:
		oauthError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
	default:
		writeToken(w, s.mint(u.Email, []string{CloudPlatformScope}, "refresh_token", 0), map[string]any{"scope": CloudPlatformScope})
	}
}
