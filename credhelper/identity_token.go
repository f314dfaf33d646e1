package credhelper

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/idtoken"
)

// identityToken fetches the workload identity token of an entry that
// trades one, once for this `get` (nil for other entries): its claims key
// the token cache, and the backend is handed it rather than asking again.
// In kubelet service-account mode `from: auto` takes the pod's token.
func (r *Resolver) identityToken(ctx context.Context, e *config.Entry, sa *providers.ServiceAccount) (*providers.IdentityToken, error) {
	cfg, ok := e.IdentityToken()
	if !ok {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	tok, err := idtoken.New(cfg, r.deps).For(ctx, providers.Request{ServiceAccount: sa})
	if err != nil {
		return nil, fmt.Errorf("%s: identity token: %w", e.Kind(), err)
	}
	r.log.Debug("identity token", "entry", e.String(), "from", tok.From, "claims", tok.Claims())
	return &tok, nil
}
