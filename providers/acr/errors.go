package acr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/regcred/regcred/providers"
)

// tokenError turns what the SDK returned for a token request into an
// error the resolver can act on and the user can fix. The SDK's own text
// is never passed on whole: it prints the response, request line included.
func (s source) tokenError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: acr: the %s gave no token in time: %w", providers.ErrUnavailable, s.name, ctx.Err())
	}
	var afe *azidentity.AuthenticationFailedError
	if errors.As(err, &afe) && afe.RawResponse != nil {
		body, _ := runtime.Payload(afe.RawResponse)
		return s.refused(afe.RawResponse.StatusCode, body)
	}
	if body, quoted := imdsAnswer(err); quoted && s.kind == kindSystemManaged {
		if json.Valid(body) {
			return s.refused(http.StatusBadRequest, body)
		}
		return fmt.Errorf("%w: acr: the %s: the metadata address answered 400 with something that is not IMDS's JSON (a proxy at 169.254.169.254?)",
			providers.ErrUnavailable, s.name)
	}
	text := providers.WithholdQuoted(sdkText(err), s.secret.Reveal())
	if s.kind == kindCLI {
		switch t := strings.ToLower(text); {
		case strings.Contains(t, "not found on path"):
			return fmt.Errorf("%w: acr: the Azure CLI (az) could not be run: %s", providers.ErrNoIdentity, text)
		case strings.Contains(t, "az login"), strings.Contains(t, "expired"), strings.Contains(t, "refresh token"):
			return fmt.Errorf("%w: acr: the Azure CLI has no usable login (%s); run `az login`", providers.ErrNoIdentity, text)
		}
		return fmt.Errorf("%w: acr: `az account get-access-token` failed: %s", providers.ErrUnavailable, text)
	}
	if errors.As(err, &afe) {
		return fmt.Errorf("%w: acr: the %s was refused: %s", providers.ErrDenied, s.name, text)
	}
	return fmt.Errorf("%w: acr: the %s gave no token: %s", providers.ErrUnavailable, s.name, text)
}

// refused classifies an answer of Entra or IMDS with what to do about it.
func (s source) refused(status int, body []byte) error {
	code, desc := oauthError(body)
	if secret := s.secret.Reveal(); providers.WithholdQuoted(code+" "+desc, secret) != code+" "+desc {
		// An answer quoting the credential (a proxy's, an echoing
		// authority's) loses the quote; the code stays when it is clean.
		code, desc = providers.WithholdQuoted(code, secret), providers.Withheld
	}
	reason := strings.TrimSpace(code + ": " + desc)
	if code == "" {
		reason = "HTTP " + strconv.Itoa(status)
	}
	reason = providers.OneLine(reason)
	switch {
	case s.kind == kindSystemManaged && status == http.StatusBadRequest && strings.Contains(strings.ToLower(desc), "identity not found"):
		// DefaultAzureCredential's chain goes on past it, and so does
		// Credential; at the end of the chain it is no identity at all.
		return providers.Absent(fmt.Errorf("%w: acr: the %s: this VM has no system-assigned managed identity (%s); "+
			"enable one (az vm identity assign), set clientId to a user-assigned identity it has, or run `az login`",
			providers.ErrNoIdentity, s.name, reason))
	case s.kind == kindManaged && status == http.StatusBadRequest && strings.Contains(strings.ToLower(desc), "identity not found"):
		return fmt.Errorf("%w: acr: the %s: this machine has no such managed identity assigned (%s); assign one, or set clientId to a user-assigned identity it has",
			providers.ErrNoIdentity, s.name, reason)
	case status == http.StatusTooManyRequests || status >= 500:
		return fmt.Errorf("%w: acr: the token service is not serving the %s (%s); try again later", providers.ErrUnavailable, s.name, reason)
	case status >= 400 && s.fix != "" && !noSuchAppOrTenant(desc):
		return fmt.Errorf("%w: acr: %s refused the %s: %s; %s", providers.ErrDenied, s.refuser(), s.name, reason, s.fix)
	case status >= 400:
		return fmt.Errorf("%w: acr: %s refused the %s: %s%s", providers.ErrDenied, s.refuser(), s.name, reason, hintFor(desc))
	}
	return fmt.Errorf("%w: acr: the token service answered the %s with HTTP %d", providers.ErrUnavailable, s.name, status)
}

// refuser names who answered a refusal: a managed identity's token comes
// from the machine's identity endpoint (IMDS, App Service's), which may
// refuse before Entra is asked, the others' from Entra itself.
func (s source) refuser() string {
	if s.kind == kindManaged || s.kind == kindSystemManaged {
		return "the managed identity endpoint"
	}
	return "Entra"
}

// imdsAnswer is IMDS's answer, which azidentity quotes into the text of
// its error when IMDS refuses a system-assigned identity with 400 (that
// error, unlike the others, carries no response): "… The endpoint
// responded with {…}". quoted is whether there was one.
func imdsAnswer(err error) (body []byte, quoted bool) {
	_, text, quoted := strings.Cut(err.Error(), "The endpoint responded with ")
	return []byte(strings.TrimSpace(text)), quoted
}

// noSuchAppOrTenant says whether Entra refused because the client or
// tenant does not exist: then a source's own fix (a federated credential
// to add) would send the user the wrong way.
func noSuchAppOrTenant(desc string) bool {
	return strings.Contains(desc, "AADSTS700016") || strings.Contains(desc, "AADSTS90002")
}

// hintFor turns Entra's usual refusals (AADSTS codes) into what to do.
func hintFor(desc string) string {
	switch {
	case strings.Contains(desc, "AADSTS7000215"), strings.Contains(desc, "AADSTS7000222"):
		return " — the client secret is wrong or expired; create a new one (az ad app credential reset)"
	case strings.Contains(desc, "AADSTS700027"):
		return " — the certificate is not registered on the application, or the clock is off"
	case strings.Contains(desc, "AADSTS700016"), strings.Contains(desc, "AADSTS90002"):
		return " — no such application or tenant; check clientId and tenantId"
	case strings.Contains(desc, "AADSTS70021"), strings.Contains(desc, "AADSTS700211"), strings.Contains(desc, "AADSTS700213"):
		return " — no federated credential on the application matches this token's issuer and subject (az identity federated-credential create)"
	case strings.Contains(desc, "AADSTS700024"):
		return " — the service-account token expired or is not yet valid; check the clock"
	}
	return ""
}

// oauthError reads {"error": "…", "error_description": "…"}: the
// description without what Entra appends to it — trace and correlation
// IDs, a timestamp, links to its documentation — which only Microsoft's
// support can use, and which would make every refusal's text unique.
func oauthError(body []byte) (code, desc string) {
	var e struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	desc = e.Description
	for _, noise := range []string{"\n", " Trace ID: ", " Review the documentation at ", " https://learn.microsoft.com/", " https://docs.microsoft.com/"} {
		desc, _, _ = strings.Cut(desc, noise)
	}
	return e.Error, strings.TrimSpace(desc)
}

// sdkText is the first line of an SDK error, without its troubleshooting
// link, on one line (providers.OneLine).
func sdkText(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	line, _, _ = strings.Cut(line, " To troubleshoot, visit ")
	return providers.OneLine(line)
}
