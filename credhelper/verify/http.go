package verify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/regcred/regcred/providers"
)

// maxBody bounds what is read of any answer: tokens are a few KiB, error
// documents less.
const maxBody = 1 << 20

// maxMessage bounds the registry message quoted in a Result.
const maxMessage = 200

const userAgent = "docker-credential-regcred (verify)"

// response is what is kept of an answer: never the body itself, which may
// be a token, only the status, headers and a registry error message.
type response struct {
	status  int
	header  http.Header
	message string
	body    []byte // kept for token answers only; see token.go
}

// describe says what answered what, with the registry's own message.
func (r response) describe(what string) string {
	out := fmt.Sprintf("%s: HTTP %d", what, r.status)
	if r.message != "" {
		out += " (" + r.message + ")"
	}
	return out
}

func (s *session) get(ctx context.Context, target, authz string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return response{}, fmt.Errorf("building the request for %s: %w", target, err)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	return s.do(req)
}

func (s *session) postForm(ctx context.Context, target string, form url.Values) (response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return response{}, fmt.Errorf("building the request for %s: %w", target, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

func (s *session) do(req *http.Request) (response, error) {
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Docker-Distribution-API-Version", "registry/2.0")
	resp, err := s.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return response{}, fmt.Errorf("reading the answer of %s: %w", req.URL.Redacted(), err)
	}
	out := response{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode >= 300 {
		out.message = errorMessage(body, s.scrub)
	} else {
		out.body = body
	}
	return out, nil
}

// scrub withholds text that will be shown when it holds the secret, in
// clear or in an encoding a server could echo back (basic auth, a query
// string). The whole text goes, not each occurrence: with a one-letter
// password, masking occurrences mangled every word holding that letter.
func (s *session) scrub(text string) string {
	secret := s.req.Secret.Reveal()
	if secret == "" {
		return text
	}
	basic := base64.StdEncoding.EncodeToString([]byte(s.req.Username + ":" + secret))
	return providers.WithholdQuoted(text, basic, secret, url.QueryEscape(secret))
}

// errorMessage extracts the message of a registry error document
// ({"errors":[{"code","message"}]}) or of a token server's error
// ({"details"}, {"error","error_description"}, {"message"}), shortened.
// Anything else is not quoted: an HTML error page says nothing useful.
// Each field passes through scrub on its own, so a field quoting the
// credential is withheld and the others (the error code) are kept.
func errorMessage(body []byte, scrub func(string) string) string {
	var doc struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
		Details     string `json:"details"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	var parts []string
	for _, e := range doc.Errors {
		code, msg := scrub(e.Code), ""
		if e.Message != "" {
			msg = scrub(e.Message)
		}
		parts = append(parts, strings.TrimSpace(code+": "+msg))
	}
	for _, p := range []string{doc.Details, doc.Error, doc.Description, doc.Message} {
		if p != "" {
			parts = append(parts, scrub(p))
		}
	}
	// Once more on the whole: a secret could span two fields.
	msg := scrub(strings.Join(parts, "; "))
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	if len(msg) > maxMessage {
		msg = strings.ToValidUTF8(msg[:maxMessage], "") + "…"
	}
	return msg
}
