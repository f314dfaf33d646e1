package ecr

import (
	"net/http"
	"sync"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/ecr/ecrlean"
)

// recipe is the lean fetcher's way to repeat this fetch, when it can be
// repeated exactly without the SDK: a private registry's token, signed with
// the environment's static keys (the credential chain's first step when no
// profile is named) under the names the fetcher reads, no role assumed, no
// identity token traded. Anything else (profiles, SSO, web identity, IMDS,
// ECR Public, keys under the legacy names) stays the engine's.
func (p *Provider) recipe(t target, region, source string, tok token) providers.Recipe {
	if t.public || p.cfg.RoleARN != "" || p.cfg.IDToken != nil || source != config.CredentialsSourceName ||
		tok.url == "" || tok.proxyEndpoint == "" || !ecrlean.HasEnvKeys(p.deps.LookupEnv) {
		return providers.Recipe{}
	}
	r := providers.Recipe{Kind: providers.RecipeECR, URL: tok.url, Region: region, Proxy: tok.proxyEndpoint}
	if ecrlean.Check(r) != nil {
		return providers.Recipe{}
	}
	return r
}

// urlRecorder is the SDK's HTTP client, remembering where the request
// went: the endpoint the SDK resolved (the entry's, AWS_ENDPOINT_URL_ECR,
// a profile's endpoint_url, or the partition's default), which only the
// sent request tells.
type urlRecorder struct {
	client *http.Client
	mu     sync.Mutex
	url    string
}

// Do implements the SDK's HTTPClient.
func (r *urlRecorder) Do(req *http.Request) (*http.Response, error) {
	u := *req.URL
	u.RawQuery, u.Fragment = "", ""
	r.mu.Lock()
	r.url = u.String()
	r.mu.Unlock()
	return r.client.Do(req)
}

// URL is where the last request went ("" before any).
func (r *urlRecorder) URL() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.url
}
