package gcr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
)

// tokenError turns what a token source returned into an error the
// resolver can act on and the user can fix. The library's own text is
// never passed on whole: a RetrieveError prints the response body.
func tokenError(name string, err error) error {
	for _, known := range []error{providers.ErrDenied, providers.ErrUnavailable, providers.ErrNoIdentity, providers.ErrInvalid, providers.ErrNotFound} {
		if errors.Is(err, known) {
			return err // our own sources classify their errors
		}
	}
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code, desc := re.ErrorCode, re.ErrorDescription
		if code == "" {
			code, desc = parseErrorBody(re.Body)
		}
		status := 0
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		return classify(name, status, code, desc)
	}
	msg := err.Error()
	if status, body, ok := statusBody(msg); ok {
		code, desc := parseErrorBody([]byte(body))
		return classify(name, status, code, desc)
	}
	if strings.Contains(msg, "externalaccount:") && strings.Contains(msg, "credential") {
		// The federated subject token (a file, URL or program output) is
		// missing: there is no outside identity to exchange.
		return fmt.Errorf("%w: gcr: %s: %s", providers.ErrNoIdentity, name, providers.OneLine(msg))
	}
	return fmt.Errorf("%w: gcr: %s: cannot get a token: %s", providers.ErrUnavailable, name, providers.OneLine(msg))
}

// classify maps a token endpoint's refusal onto the resolver's outcomes,
// with what to do about it.
func classify(name string, status int, code, desc string) error {
	reason := code
	if desc != "" {
		reason += ": " + desc
	}
	reason = providers.OneLine(reason)
	if reason == "" {
		reason = "HTTP " + strconv.Itoa(status)
	}
	hint := hintFor(code + " " + desc)
	switch {
	case code == "invalid_grant" || code == "invalid_client" || code == "unauthorized_client":
		return fmt.Errorf("%w: gcr: the token endpoint refused the %s: %s%s", providers.ErrDenied, name, reason, hint)
	case code == "invalid_scope":
		return fmt.Errorf("%w: gcr: the token endpoint refused the scopes asked for with the %s: %s; check this entry's scopes", providers.ErrInvalid, name, reason)
	case status == 408 || status == 429 || status >= 500 || status == 0:
		return fmt.Errorf("%w: gcr: the token service is not serving (%s) for the %s; try again later", providers.ErrUnavailable, reason, name)
	default:
		return fmt.Errorf("%w: gcr: the token service refused the %s: %s%s", providers.ErrDenied, name, reason, hint)
	}
}

// hintFor turns Google's usual refusals into what to do.
func hintFor(text string) string {
	switch t := strings.ToLower(text); {
	case strings.Contains(t, "invalid jwt signature"):
		return " — the key was deleted or disabled, or the file does not hold the key Google knows; create a new key (gcloud iam service-accounts keys create)"
	case strings.Contains(t, "reasonable timeframe"):
		return " — this machine's clock is off; synchronise it (NTP)"
	case strings.Contains(t, "account not found"):
		return " — the service account was deleted or disabled"
	case strings.Contains(t, "expired or revoked"), strings.Contains(t, "rapt"), strings.Contains(t, "reauth"):
		return " — the login expired or was revoked; run `gcloud auth application-default login` again"
	case strings.Contains(t, "invalid_client"):
		return " — the OAuth client of this login is unknown or disabled; run `gcloud auth application-default login` again"
	case strings.Contains(t, "getaccesstoken"):
		return " — grant the caller roles/iam.serviceAccountTokenCreator on the target service account"
	}
	return ""
}

// statusBody reads the errors the STS and impersonation code of
// oauth2/google formats by hand: "… status code 403: {body}".
func statusBody(msg string) (status int, body string, ok bool) {
	_, rest, found := strings.Cut(msg, "status code ")
	if !found || len(rest) < 5 || rest[3:5] != ": " {
		return 0, "", false
	}
	status, err := strconv.Atoi(rest[:3])
	return status, rest[5:], err == nil
}

// parseErrorBody reads an OAuth error ({"error": "…", "error_description":
// "…"}) or a Google API error ({"error": {"status": "…", "message": "…"}}).
func parseErrorBody(body []byte) (code, desc string) {
	var e struct {
		Error       json.RawMessage `json:"error"`
		Description string          `json:"error_description"`
	}
	if json.Unmarshal(body, &e) != nil {
		return "", ""
	}
	if json.Unmarshal(e.Error, &code) == nil {
		return code, e.Description
	}
	var api struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	if json.Unmarshal(e.Error, &api) == nil {
		return api.Status, api.Message
	}
	return "", ""
}

// shortNetError names why a connection failed without the URL noise.
func shortNetError(err error) string {
	var op *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.As(err, &op) && op.Err != nil:
		return providers.OneLine(op.Err.Error())
	}
	return providers.OneLine(err.Error())
}
