package idtoken

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// maxAnswer bounds what a token endpoint may answer: a JWT is a few KiB.
const maxAnswer = 1 << 20

// exchange sends req and decodes a 2xx answer (Buildkite's is 201) into out. A refusal's text
// is shown (short, without the request token) with fix.
func (s *Source) exchange(req *http.Request, from, fix string, out any, requestToken providers.Secret) error {
	client := *s.deps.HTTPClient
	client.CheckRedirect = netdeps.RefuseDowngrade
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("%w: asking %s for an identity token: %v", providers.ErrUnavailable, from,
			providers.WithholdQuoted(err.Error(), requestToken.Reveal()))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%w: reading %s's answer: %v", providers.ErrUnavailable, from, err)
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
	case resp.StatusCode == http.StatusUnauthorized, resp.StatusCode == http.StatusForbidden:
		return fmt.Errorf("%w: %s refused to issue an identity token (HTTP %d: %s): %s",
			providers.ErrDenied, from, resp.StatusCode, shortText(body, requestToken), fix)
	case resp.StatusCode >= 500, resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("%w: %s answered HTTP %d", providers.ErrUnavailable, from, resp.StatusCode)
	default:
		return fmt.Errorf("%w: %s answered HTTP %d: %s", providers.ErrInvalid, from, resp.StatusCode, shortText(body, requestToken))
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%w: %s answered something other than its JSON token answer", providers.ErrInvalid, from)
	}
	return nil
}

// shortText is a server's message for an error: one line, at most 200
// bytes, withheld when it echoes a secret.
func shortText(body []byte, secrets ...providers.Secret) string {
	t := strings.Join(strings.Fields(string(body)), " ")
	if len(t) > 200 {
		t = t[:200] + "…"
	}
	for _, s := range secrets {
		t = providers.WithholdQuoted(t, s.Reveal())
	}
	if t == "" {
		return "no message"
	}
	return t
}

// ShortText is shortText for the backends that trade the token: a
// registry's refusal, one line, withheld when it echoes a secret.
func ShortText(body []byte, secrets ...providers.Secret) string { return shortText(body, secrets...) }
