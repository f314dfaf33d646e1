package ecrlean

import (
	"net/url"

	"github.com/regcred/regcred/providers"
)

// Check refuses a recipe that is incomplete or would send the request in
// clear off this machine: the rule the ecr backend applies to endpoints
// (https, or http to loopback), enforced again because a recipe is read
// back from a file. It lives here, not in providers, so that the front,
// which only carries recipes, does not link URL parsing.
func Check(r providers.Recipe) error {
	if r.Kind != providers.RecipeECR || r.Region == "" || r.Proxy == "" {
		return providers.ErrRecipe
	}
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return providers.ErrRecipe
	}
	if u.Scheme == "https" || u.Scheme == "http" && providers.IsLoopbackHost(u.Hostname()) {
		return nil
	}
	return providers.ErrRecipe
}
