package providers

import "errors"

// RecipeECR is the one kind of Recipe today: ECR's GetAuthorizationToken,
// signed (SigV4, service "ecr") with the static keys of the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
const RecipeECR = "ecr"

// Recipe is a fetch a backend made that the lean fetcher (regcred-fetch)
// can repeat exactly, without the backend's SDK: set by the backend only
// when nothing else took part (no profile, no role, no identity token), so
// that repeating it with the same environment and files asks the same
// service the same question as the same principal. The engine records it
// in the route of the answer; it names no secret.
type Recipe struct {
	Kind   string // RecipeECR, or "" for none
	URL    string // the API endpoint the request went to
	Region string // the signing region
	// Proxy is the registry endpoint the answer named (ECR's
	// proxyEndpoint): a repeated answer naming another is not repeated
	// but handed to the engine, which says what is wrong.
	Proxy string
}

// IsZero reports whether there is no recipe.
func (r Recipe) IsZero() bool { return r == Recipe{} }

// ErrRecipe: a recipe the lean fetcher must not follow.
var ErrRecipe = errors.New("not a recipe the lean fetcher follows")
