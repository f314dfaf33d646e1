package providers

import (
	"context"
	"time"
)

// Request is what a backend is asked for: the normalised registry and, when
// the caller named an image, the repository below it.
type Request struct {
	// Registry is host[:port], lower-case, ":443" dropped, Docker Hub as "docker.io".
	Registry string
	// Repository is the path below the registry ("library/nginx"), or empty
	// when the caller asked about the registry alone (what docker sends).
	Repository string
	// Pattern is the config pattern of the entry being tried.
	Pattern string
	// ServiceAccount is set in kubelet mode when the kubelet passed the pod's
	// service-account token; nil otherwise.
	ServiceAccount *ServiceAccount
	// IdentityToken is the workload identity token the resolver fetched
	// for an entry that trades one (its `idToken` setting); nil otherwise,
	// and then such a backend fetches it itself.
	IdentityToken *IdentityToken
}

// ServiceAccount is the pod identity the kubelet hands to a credential provider.
type ServiceAccount struct {
	Token       Secret
	Annotations map[string]string
}

// Credential is what a backend answers.
type Credential struct {
	Username string
	Secret   Secret
	// ExpiresAt is when the backend says the secret stops working; zero when
	// the backend does not know (long-lived secrets).
	ExpiresAt time.Time
	// MaxAge, for a credential without ExpiresAt, is the longest it may be
	// cached: a refresh hint from the backend (a Vault KV secret's "ttl"
	// field). It shortens the cache's TTL, never lengthens it; zero: no hint.
	MaxAge time.Duration
	// Anonymous ends the search: the client should pull without credentials.
	Anonymous bool
	// Recipe, when set, says how the lean fetcher can make this same fetch
	// again without the engine. Never cached; holds no secret.
	Recipe Recipe
}

// Provider fetches one credential. Implementations must be safe for
// concurrent use and must return errors that wrap one of this package's
// error values where one applies, and never include a secret.
type Provider interface {
	Credential(ctx context.Context, req Request) (Credential, error)
}

// ProviderFunc adapts a function to Provider.
type ProviderFunc func(ctx context.Context, req Request) (Credential, error)

// Credential implements Provider.
func (f ProviderFunc) Credential(ctx context.Context, req Request) (Credential, error) {
	return f(ctx, req)
}
