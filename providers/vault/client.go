package vault

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/regcred/regcred/providers"
)

const (
	// maxRetries bounds the extra attempts after a transient failure, so a
	// dead or sealed Vault costs well under a second more, not minutes.
	maxRetries = 2
	// firstBackoff doubles after each retry.
	firstBackoff = 100 * time.Millisecond
	// maxBody bounds what is read of an answer; Vault's are a few KiB.
	maxBody = 1 << 20
)

// client speaks Vault's HTTP API for one provider.
type client struct {
	http      *http.Client
	base      *url.URL
	address   string // for messages: the URL without a trailing slash
	namespace string
	timeout   time.Duration
	logger    *slog.Logger
	// clientCert says whether a TLS client certificate is configured
	// (the cert login needs one).
	clientCert bool
}

// call is one API request.
type call struct {
	method string
	path   string // below /v1/, no leading slash
	query  url.Values
	token  string
	body   any
	// secrets are redacted from any message Vault sends back.
	secrets []string
}

// reply is Vault's answer: the status and the common JSON envelope.
type reply struct {
	status int
	body   envelope
}

type envelope struct {
	// LeaseID is set only for leased (dynamic) secrets; KV answers have
	// none, and KV v1's lease_duration is then a refresh hint.
	LeaseID       string          `json:"lease_id"`
	LeaseDuration int64           `json:"lease_duration"`
	Data          json.RawMessage `json:"data"`
	Auth          *authBody       `json:"auth"`
	Errors        []string        `json:"errors"`
	Warnings      []string        `json:"warnings"`
}

type authBody struct {
	ClientToken   string `json:"client_token"`
	LeaseDuration int64  `json:"lease_duration"`
	Renewable     bool   `json:"renewable"`
}

// do sends k, retrying transient failures (at most maxRetries times, with
// a short backoff). The error is non-nil only when no answer came back;
// callers classify the status.
func (c *client) do(ctx context.Context, k call) (reply, error) {
	backoff := firstBackoff
	for attempt := 0; ; attempt++ {
		r, err := c.once(ctx, k)
		if attempt == maxRetries || !c.retryable(k.method, r, err) {
			return r, err
		}
		c.logger.Debug("vault: retrying", "path", k.path, "attempt", attempt+2, "status", r.status, "error", err)
		if serr := sleep(ctx, backoff); serr != nil {
			return r, &unavailableError{address: c.address, reason: "gave up: " + serr.Error(), cause: serr}
		}
		backoff *= 2
	}
}

func (c *client) retryable(method string, r reply, err error) bool {
	if err != nil {
		u, ok := err.(*unavailableError)
		return ok && (u.retry == retryAlways || u.retry == retryIdempotent && method == http.MethodGet)
	}
	switch r.status {
	case http.StatusTooManyRequests, statusDRSecondary, statusPerfStandby, http.StatusServiceUnavailable:
		return true // Vault did not act on the request
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return method == http.MethodGet // a proxy may have passed it on
	}
	return false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// once sends k one time, bounded by the client's timeout.
func (c *client) once(ctx context.Context, k call) (reply, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(actx, k)
	if err != nil {
		return reply{}, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{}, c.transportError(ctx, actx, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return reply{}, c.transportError(ctx, actx, err)
	}
	r := reply{status: resp.StatusCode}
	if len(data) > maxBody {
		return r, failf(providers.ErrInvalid, "Vault at %s answered %s with more than %d KiB", c.address, k.path, maxBody>>10)
	}
	if err := json.Unmarshal(data, &r.body); err != nil && resp.StatusCode/100 == 2 {
		return r, failf(providers.ErrInvalid, "Vault at %s answered %s with malformed JSON", c.address, k.path)
	}
	return r, nil
}

func (c *client) newRequest(ctx context.Context, k call) (*http.Request, error) {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/" + k.path
	u.RawPath = ""
	u.RawQuery = k.query.Encode()
	var body io.Reader
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			return nil, fmt.Errorf("%w: encoding the request to %s: %v", providers.ErrInvalid, k.path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("%w: request to %s: %v", providers.ErrInvalid, k.path, err)
	}
	// The Vault CLI sends X-Vault-Request; Vault Agent and proxies
	// require it as a guard against browser-borne requests.
	req.Header.Set("X-Vault-Request", "true")
	if k.token != "" {
		req.Header.Set("X-Vault-Token", k.token)
	}
	if c.namespace != "" {
		req.Header.Set("X-Vault-Namespace", c.namespace)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}
