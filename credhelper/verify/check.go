package verify

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// Request is the credential to prove and where.
type Request struct {
	// Registry is the normalised host[:port] ("docker.io" for Docker Hub).
	Registry string
	// Repository is the path below the registry, or "" to check the
	// credential alone.
	Repository string
	Username   string
	Secret     providers.Secret
}

// Checker talks to registries. The zero value is usable: netdeps' default
// client, plain http for loopback registries only.
type Checker struct {
	Client *http.Client
	// AllowHTTP permits plain http (and plain-http token endpoints) for
	// every host, not only loopback ones.
	AllowHTTP bool
}

// Check proves req's credential against its registry. It never returns an
// error: every outcome, a network failure included, is a Result.
func (c Checker) Check(ctx context.Context, req Request) Result {
	res := Result{Registry: req.Registry, Repository: req.Repository}
	if err := checkRegistry(req.Registry); err != nil {
		return res.with(Unverifiable, err.Error())
	}
	if err := checkRepository(req.Repository); err != nil {
		return res.with(Unverifiable, err.Error())
	}
	client := netdeps.DefaultHTTPClient()
	if c.Client != nil {
		copied := *c.Client
		client = &copied
	}
	// The check sends the credential; a redirect must not carry it to http.
	client.CheckRedirect = netdeps.RefuseDowngrade
	s := &session{client: client, allowHTTP: c.AllowHTTP, req: req, res: res}
	return s.run(ctx)
}

func (r Result) with(s Status, detail string) Result {
	r.Status, r.Detail = s, detail
	return r
}

// session is one Check: the request, the endpoint found and the result
// being built.
type session struct {
	client    *http.Client
	allowHTTP bool
	req       Request
	res       Result
	base      string // scheme://host of the registry API
}

func (s *session) run(ctx context.Context) Result {
	resp, err := s.ping(ctx)
	if err != nil {
		return s.fail(err)
	}
	switch {
	case resp.status == http.StatusOK:
		s.res.Auth = "none"
		if s.req.Repository == "" {
			return s.res.with(Accepted, "the registry asks for no credentials; this one was not needed")
		}
		return s.readRepository(ctx, "")
	case resp.status == http.StatusUnauthorized:
		return s.answerChallenge(ctx, resp)
	case unavailable(resp.status):
		return s.res.with(Unreachable, resp.describe("GET /v2/"))
	}
	return s.res.with(Unverifiable, resp.describe("GET /v2/")+"; not a registry API")
}

// ping asks /v2/ without credentials, over https; a loopback registry (or
// any, when allowed) that answers https in plain HTTP is asked again over
// http, as docker does for insecure registries.
func (s *session) ping(ctx context.Context) (response, error) {
	host := apiHost(s.req.Registry)
	s.base = "https://" + host
	s.res.Endpoint = s.base
	resp, err := s.get(ctx, s.base+"/v2/", "")
	if err == nil || !errors.Is(err, http.ErrSchemeMismatch) {
		return resp, err
	}
	if !s.allowHTTP && !isLoopback(host) {
		return response{}, errPlainHTTP
	}
	s.base = "http://" + host
	s.res.Endpoint = s.base
	return s.get(ctx, s.base+"/v2/", "")
}

var errPlainHTTP = errors.New("the registry speaks plain http; regcred uses plain http only for loopback registries unless allowed")

// fail turns a transport error into a result.
func (s *session) fail(err error) Result {
	if errors.Is(err, errPlainHTTP) {
		return s.res.with(Unverifiable, err.Error())
	}
	return s.res.with(Unreachable, s.scrub(err.Error()))
}

func (s *session) answerChallenge(ctx context.Context, resp response) Result {
	cs := parseChallenges(resp.header)
	c, ok := pick(cs)
	switch {
	case ok && c.scheme == "bearer":
		s.res.Auth = "bearer"
		return s.bearer(ctx, c)
	case ok || len(cs) == 0:
		// No challenge at all: some proxies in front of registries omit
		// it; basic is what a client would try.
		s.res.Auth = "basic"
		return s.basic(ctx)
	}
	return s.res.with(Unverifiable, "the registry asks for the "+cs[0].scheme+" scheme; only Basic and Bearer are supported")
}

func (s *session) basicAuth() string {
	raw := s.req.Username + ":" + s.req.Secret.Reveal()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(raw))
}

// basic answers a Basic challenge: /v2/ with the credential.
func (s *session) basic(ctx context.Context) Result {
	authz := s.basicAuth()
	return s.withCredential(ctx, authz, "the credential", "the registry refused the username and password",
		func() Result { return s.acceptedOrRepository(ctx, authz) })
}

// withCredential asks /v2/ with authz (what names it in results): accepted
// goes on to next, a refusal is refused (the result's detail).
func (s *session) withCredential(ctx context.Context, authz, what, refused string, next func() Result) Result {
	resp, err := s.get(ctx, s.base+"/v2/", authz)
	if err != nil {
		return s.fail(err)
	}
	switch {
	case resp.status == http.StatusOK:
		return next()
	case resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden:
		return s.res.with(Rejected, resp.describe(refused))
	case unavailable(resp.status):
		return s.res.with(Unreachable, resp.describe("GET /v2/ with "+what))
	}
	return s.res.with(Unverifiable, resp.describe("GET /v2/ with "+what))
}

// acceptedOrRepository finishes a check whose credential the registry
// accepted: done, or on to the repository.
func (s *session) acceptedOrRepository(ctx context.Context, authz string) Result {
	if s.req.Repository == "" {
		return s.res.with(Accepted, "the registry accepted the credential")
	}
	return s.readRepository(ctx, authz)
}

// readRepository lists one tag: what the registry allows it, a pull would
// be allowed too (both need the pull action).
func (s *session) readRepository(ctx context.Context, authz string) Result {
	resp, err := s.get(ctx, s.base+"/v2/"+s.req.Repository+"/tags/list?n=1", authz)
	if err != nil {
		return s.fail(err)
	}
	what := "GET /v2/" + s.req.Repository + "/tags/list"
	switch {
	case resp.status == http.StatusOK:
		return s.res.with(Accepted, "the credential may pull from the repository")
	case resp.status == http.StatusUnauthorized || resp.status == http.StatusForbidden:
		return s.res.with(NotReadable, resp.describe(what))
	case resp.status == http.StatusNotFound:
		return s.res.with(NotFound, resp.describe(what))
	case unavailable(resp.status):
		return s.res.with(Unreachable, resp.describe(what))
	}
	return s.res.with(Unverifiable, resp.describe(what))
}

func unavailable(status int) bool {
	return status == http.StatusTooManyRequests || status >= 500
}
