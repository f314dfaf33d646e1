package gcr

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/regcred/regcred/providers"
)

// metadataTokenPath serves the attached service account's access token.
const metadataTokenPath = "/computeMetadata/v1/instance/service-accounts/default/token"

// fromMetadata is the last ADC step. With GCE_METADATA_HOST set the user
// has said where the server is; without it, a short probe of the fixed
// address decides whether this machine is on Google Cloud at all, so that
// elsewhere the answer is "no credentials", quickly. tried lists the
// earlier ADC steps, for that answer.
func (p *Provider) fromMetadata(ctx context.Context, scopes, tried []string) (source, error) {
	host, explicit := p.getenv("GCE_METADATA_HOST"), true
	if host == "" {
		host, explicit = p.metadataIP, false
	}
	if u, err := url.Parse("http://" + host); err != nil || u.Host != host || u.User != nil {
		// Not quoted: a value with user info, or a secret set by mistake,
		// would be printed into the client's log.
		return source{}, fmt.Errorf("%w: gcr: GCE_METADATA_HOST is not host[:port]", providers.ErrInvalid)
	}
	md := metadataSource{ctx: ctx, client: p.mdClient, host: host, scopes: scopes, now: p.deps.Now, explicit: explicit, tried: tried}
	answered, google, err := md.probe()
	switch {
	case ctx.Err() != nil:
		return source{}, fmt.Errorf("%w: gcr: looking for the metadata server: %w", providers.ErrUnavailable, ctx.Err())
	case explicit && !answered:
		// Named, and nothing there: as absent as no server at all.
		return source{}, providers.Absent(md.unreachable(err))
	case !explicit && !google:
		return source{}, providers.Absent(fmt.Errorf("%w: gcr: no Google credentials found: %s, and no metadata server answers at %s (not on Google Cloud); %s",
			providers.ErrNoIdentity, strings.Join(tried, ", "), host, noADCHint))
	}
	return source{name: md.name(), ts: md}, nil
}

// metadataSource asks the metadata server for the attached service
// account's token. Its errors are already classified for the resolver.
type metadataSource struct {
	ctx      context.Context
	client   *http.Client
	host     string
	scopes   []string
	now      func() time.Time
	explicit bool
	tried    []string
}

func (m metadataSource) name() string {
	if m.explicit {
		return "metadata server at " + m.host + " (GCE_METADATA_HOST)"
	}
	return "metadata server at " + m.host
}

// probe asks host once, within metadataProbeTimeout: whether anything
// answered HTTP there, and whether it is a Google metadata server (every
// answer of one carries Metadata-Flavor: Google, which another cloud's
// server at the same address does not send). err is why nothing answered.
// A server named by GCE_METADATA_HOST needs only to answer; a black hole
// (accepts, never answers) is told apart within the timeout either way.
func (m metadataSource) probe() (answered, google bool, err error) {
	ctx, cancel := context.WithTimeout(m.ctx, metadataProbeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+m.host+"/", nil)
	if err != nil {
		return false, false, err
	}
	req.Header.Set("Metadata-Flavor", "Google")
	resp, err := m.client.Do(req)
	if err != nil {
		return false, false, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	return true, resp.Header.Get("Metadata-Flavor") == "Google", nil
}

// Token implements oauth2.TokenSource.
func (m metadataSource) Token() (*oauth2.Token, error) {
	u := "http://" + m.host + metadataTokenPath
	if len(m.scopes) > 0 {
		u += "?" + url.Values{"scopes": {strings.Join(m.scopes, ",")}}.Encode()
	}
	req, err := http.NewRequestWithContext(m.ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: gcr: %s: %v", providers.ErrInvalid, m.name(), err)
	}
	req.Header.Set("Metadata-Flavor", "Google")
	resp, err := m.client.Do(req)
	if err != nil {
		return nil, m.unreachable(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("%w: gcr: %s: reading the answer: %v", providers.ErrUnavailable, m.name(), err)
	}
	if err := m.checkStatus(resp, body); err != nil {
		return nil, err
	}
	return m.parse(body)
}

// unreachable explains a failed connection. When the server was named by
// GCE_METADATA_HOST, nothing else was found either, so it is both an
// outage and the absence of an identity.
func (m metadataSource) unreachable(err error) error {
	if m.explicit {
		return fmt.Errorf("%w: %w: gcr: %s is unreachable (%v), and no other Google credentials were found (%s); unset GCE_METADATA_HOST off Google Cloud, or %s",
			providers.ErrUnavailable, providers.ErrNoIdentity, m.name(), shortNetError(err), strings.Join(m.tried, ", "), noADCHint)
	}
	return fmt.Errorf("%w: gcr: %s answered a probe but not the token request: %v", providers.ErrUnavailable, m.name(), shortNetError(err))
}

func (m metadataSource) checkStatus(resp *http.Response, body []byte) error {
	if resp.Header.Get("Metadata-Flavor") != "Google" {
		return fmt.Errorf("%w: gcr: %s: the answer is not from a Google metadata server (no Metadata-Flavor: Google header)", providers.ErrUnavailable, m.name())
	}
	switch c := resp.StatusCode; {
	case c == http.StatusOK:
		return nil
	case c == http.StatusNotFound:
		return fmt.Errorf("%w: gcr: %s: this instance has no service account attached; attach one, or set this entry's credentialsFile", providers.ErrNoIdentity, m.name())
	case c == http.StatusForbidden || c == http.StatusUnauthorized:
		return fmt.Errorf("%w: gcr: %s refused the token request (%d: %s)", providers.ErrDenied, m.name(), c, providers.OneLine(string(body)))
	default:
		return fmt.Errorf("%w: gcr: %s answered %d: %s", providers.ErrUnavailable, m.name(), c, providers.OneLine(string(body)))
	}
}

func (m metadataSource) parse(body []byte) (*oauth2.Token, error) {
	var t struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal(body, &t); err != nil || t.AccessToken == "" {
		return nil, fmt.Errorf("%w: gcr: %s answered something that is not a token", providers.ErrInvalid, m.name())
	}
	if t.ExpiresIn <= 0 {
		return nil, fmt.Errorf("%w: gcr: %s answered an already expired token (expires_in %d)", providers.ErrInvalid, m.name(), t.ExpiresIn)
	}
	return &oauth2.Token{
		AccessToken: t.AccessToken,
		TokenType:   t.TokenType,
		Expiry:      m.now().Add(time.Duration(t.ExpiresIn) * time.Second),
	}, nil
}
