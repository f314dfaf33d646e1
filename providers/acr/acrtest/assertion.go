package acrtest

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/regcred/regcred/internal/oidctest"
)

// checkAssertion verifies a client assertion: a certificate's (signed by
// the app's registered key, for this token endpoint) or a federated token
// (signed by a trusted issuer, for api://AzureADTokenExchange, matching a
// federated credential of the app).
func (e *Entra) checkAssertion(ctx context.Context, app *App, assertion, endpoint string) (via string, status int, code, desc string) {
	unverified, _, err := jwt.NewParser().ParseUnverified(assertion, jwt.MapClaims{})
	if err != nil {
		return "unknown", http.StatusBadRequest, "invalid_request", "AADSTS50027: JWT token is invalid or malformed."
	}
	x5tS256, _ := unverified.Header["x5t#S256"].(string)
	x5t, _ := unverified.Header["x5t"].(string)
	if x5tS256 != "" || x5t != "" {
		return e.checkCertificateAssertion(app, assertion, endpoint, x5tS256, x5t)
	}
	return e.checkFederated(ctx, app, assertion)
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

// fedDocs is the page Entra's federation refusals point to.
const fedDocs = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"

// checkFederated verifies a federated token as Entra does: an app's
// federated credential must name its issuer; the issuer's JWKS (fetched
// through its discovery document) must verify its signature; it must be
// within its lifetime; and a credential of that issuer must name its
// audience and subject. Each refusal is Entra's AADSTS code and text.
func (e *Entra) checkFederated(ctx context.Context, app *App, assertion string) (string, int, string, string) {
	const via = "federated"
	unverified := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(assertion, unverified); err != nil {
		return via, http.StatusBadRequest, "invalid_request", "AADSTS50027: JWT token is invalid or malformed."
	}
	iss, _ := unverified.GetIssuer()
	sub, _ := unverified.GetSubject()
	aud, _ := unverified.GetAudience()
	feds := app.federations(iss)
	if len(feds) == 0 {
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700211: No matching federated identity record found for presented assertion issuer '" + iss +
			"'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. " + fedDocs
	}
	_, err := oidctest.Verifier{Issuer: iss, Now: e.cloud.clock}.Verify(ctx, assertion)
	switch {
	case errors.Is(err, oidctest.ErrIssuer):
		return via, http.StatusBadRequest, "invalid_request", "AADSTS90061: Request to External OIDC endpoint failed."
	case errors.Is(err, oidctest.ErrExpired):
		return via, http.StatusUnauthorized, "invalid_client", e.timeRange(unverified)
	case err != nil && !errors.Is(err, oidctest.ErrAudience):
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700027: Client assertion failed signature validation."
	}
	if !slices.ContainsFunc(feds, func(f federation) bool { return slices.Contains(aud, f.audience) }) {
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700212: No matching federated identity record found for presented assertion audience '" + strings.Join(aud, ",") +
			"'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. " + fedDocs
	}
	if !slices.ContainsFunc(feds, func(f federation) bool { return f.subject == sub && slices.Contains(aud, f.audience) }) {
		return via, http.StatusUnauthorized, "invalid_client", "AADSTS700213: No matching federated identity record found for presented assertion subject '" + sub +
			"'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. " + fedDocs
	}
	return via, 0, "", ""
}

// timeRange is AADSTS700024's text, with the times Entra prints.
func (e *Entra) timeRange(claims jwt.MapClaims) string {
	const layout = "2006-01-02T15:04:05.0000000Z"
	at := func(d *jwt.NumericDate) string {
		if d == nil {
			return "(none)"
		}
		return d.UTC().Format(layout)
	}
	nbf, _ := claims.GetNotBefore()
	exp, _ := claims.GetExpirationTime()
	return "AADSTS700024: Client assertion is not within its valid time range. Current time: " + e.cloud.clock().UTC().Format(layout) +
		", assertion valid from " + at(nbf) + ", expiry time of assertion " + at(exp) +
		". Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials ."
}

// knownAudiences are the resources whose tokens a registry accepts.
func knownAudiences() []string { return []string{RegistryAudience, ManagementAudience} }

func acceptsAudience(aud string) bool { return slices.Contains(knownAudiences(), aud) }
