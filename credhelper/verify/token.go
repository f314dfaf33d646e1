package verify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// identityTokenUser is the username docker stores with an identity token
// (an OAuth2 refresh token) instead of a password.
const identityTokenUser = "<token>"

// bearer answers a Bearer challenge: a token from the realm for the
// credential, then /v2/ (or the repository) with that token.
func (s *session) bearer(ctx context.Context, c challenge) Result {
	realm, err := realmURL(c.params["realm"], s.allowHTTP)
	if err != nil {
		return s.res.with(Unverifiable, err.Error())
	}
	scope := c.params["scope"]
	if s.req.Repository != "" {
		scope = "repository:" + s.req.Repository + ":pull"
	}
	token, res, ok := s.token(ctx, realm, c.params["service"], scope)
	if !ok {
		return res
	}
	authz := "Bearer " + token
	if s.req.Repository != "" {
		return s.readRepository(ctx, authz)
	}
	return s.withCredential(ctx, authz, "the token", "the registry refused the token its token server issued",
		func() Result {
			return s.res.with(Accepted, "the token server issued a token for the credential and the registry accepted it")
		})
}

// token asks the realm for a token. A password is sent with basic auth
// (the registry token protocol); an identity token is exchanged with the
// OAuth2 refresh-token grant, as docker does.
func (s *session) token(ctx context.Context, realm *url.URL, service, scope string) (string, Result, bool) {
	var resp response
	var err error
	if s.req.Username == identityTokenUser {
		form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.req.Secret.Reveal()}, "client_id": {"regcred"}}
		setIf(form, "service", service)
		setIf(form, "scope", scope)
		resp, err = s.postForm(ctx, realm.String(), form)
	} else {
		u := *realm
		q := u.Query()
		setIf(q, "service", service)
		setIf(q, "scope", scope)
		setIf(q, "account", s.req.Username)
		u.RawQuery = q.Encode()
		resp, err = s.get(ctx, u.String(), s.basicAuth())
	}
	if err != nil {
		return "", s.fail(err), false
	}
	what := "token server " + realm.Redacted()
	switch {
	case resp.status == http.StatusOK:
	case resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden:
		return "", s.res.with(Rejected, resp.describe(what+" refused the credential")), false
	case unavailable(resp.status):
		return "", s.res.with(Unreachable, resp.describe(what)), false
	default:
		return "", s.res.with(Unverifiable, resp.describe(what)), false
	}
	var doc struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if json.Unmarshal(resp.body, &doc) != nil || (doc.Token == "" && doc.AccessToken == "") {
		return "", s.res.with(Unverifiable, what+" answered 200 without a token"), false
	}
	if doc.Token != "" {
		return doc.Token, Result{}, true
	}
	return doc.AccessToken, Result{}, true
}

func setIf(v url.Values, k, value string) {
	if value != "" {
		v.Set(k, value)
	}
}
