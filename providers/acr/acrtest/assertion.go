package acrtest

import (
	"crypto/rsa"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// checkAssertion verifies a client assertion: a certificate's (signed by
// the app's registered key, for this token endpoint) or a federated token
// (signed by a trusted issuer, for api://AzureADTokenExchange, matching a
// federated credential of the app).
func (e *Entra) checkAssertion(app *App, assertion, endpoint string) (via string, status int, code, desc string) {
	unverified, _, err := jwt.NewParser().ParseUnverified(assertion, jwt.MapClaims{})
	if err != nil {
		return "unknown", http.StatusBadRequest, "invalid_request", "AADSTS50027: JWT token is invalid or malformed."
	}
	x5tS256, _ := unverified.Header["x5t#S256"].(string)
	x5t, _ := unverified.Header["x5t"].(string)
	if x5tS256 != "" || x5t != "" {
		return e.checkCertificateAssertion(app, assertion, endpoint, x5tS256, x5t)
	}
	return e.checkFederated(app, assertion)
}

func (e *Entra) checkCertificateAssertion(app *App, assertion, endpoint, x5tS256, x5t string) (string, int, string, string) {
	const via = "certificate"
	cert := app.certByThumbprint(x5tS256, x5t)
	if cert == nil {
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application."
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700027: Client assertion contains an invalid signature."
	}
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256", "PS256"}),
		jwt.WithAudience(endpoint), jwt.WithIssuer(app.ClientID), jwt.WithSubject(app.ClientID),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(e.cloud.clock), jwt.WithLeeway(5*time.Minute),
	).ParseWithClaims(assertion, claims, func(*jwt.Token) (any, error) { return pub, nil })
	switch {
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700027: Client assertion contains an invalid signature."
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700212: No matching federated identity record found for presented assertion audience."
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		return via, http.StatusBadRequest, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range."
	case err != nil:
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700027: Client assertion failed signature validation."
	}
	return via, 0, "", ""
}

func (e *Entra) checkFederated(app *App, assertion string) (string, int, string, string) {
	const via = "federated"
	var issuer *Issuer
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithAudience(ExchangeAudience),
		jwt.WithExpirationRequired(), jwt.WithTimeFunc(e.cloud.clock),
	).ParseWithClaims(assertion, claims, func(t *jwt.Token) (any, error) {
		iss, _ := t.Claims.GetIssuer()
		e.mu.Lock()
		issuer = e.issuers[iss]
		e.mu.Unlock()
		if issuer == nil {
			return nil, errUnknownIssuer
		}
		return &issuer.key.PublicKey, nil
	})
	switch {
	case errors.Is(err, errUnknownIssuer):
		return via, http.StatusBadRequest, "invalid_request", "AADSTS90061: Request to External OIDC endpoint failed."
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		return via, http.StatusBadRequest, "invalid_client", "AADSTS700024: Client assertion is not within its valid time range."
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return via, http.StatusBadRequest, "invalid_client", "AADSTS700212: No matching federated identity record found for presented assertion audience 'api://AzureADTokenExchange'."
	case err != nil:
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700027: Client assertion failed signature validation."
	}
	sub, _ := claims.GetSubject()
	if !app.federated(issuer.URL, sub) {
		return via, http.StatusBadRequest, "invalid_request", "AADSTS700213: No matching federated identity record found for presented assertion subject '" + sub + "'."
	}
	return via, 0, "", ""
}

var errUnknownIssuer = errors.New("unknown issuer")

// knownAudiences are the resources whose tokens a registry accepts.
func knownAudiences() []string { return []string{RegistryAudience, ManagementAudience} }

func acceptsAudience(aud string) bool { return slices.Contains(knownAudiences(), aud) }
