package vault

import (
	"fmt"

	"github.com/regcred/regcred/providers"
)

// role is the role a kubernetes or jwt login names: the value of the
// service account's auth.roleAnnotation when the kubelet passed one, else
// auth.role. An empty role is only allowed where Vault has a default
// (the jwt method's default_role).
func (p *Provider) role(req providers.Request) (string, error) {
	a := p.cfg.Auth
	// The annotation names a role only for a login made with the same
	// pod's token (the loader refuses roleAnnotation with jwtFile).
	if a.RoleAnnotation != "" && p.usesRequestJWT(req) {
		if v := req.ServiceAccount.Annotations[a.RoleAnnotation]; v != "" {
			return v, nil
		}
	}
	if a.Role != "" || a.RoleAnnotation == "" {
		return a.Role, nil
	}
	if !p.usesRequestJWT(req) {
		return "", fmt.Errorf("%w: vault: auth.roleAnnotation %q is set without auth.role, and the request carries no service account (only the kubelet passes one, with tokenAttributes in its CredentialProviderConfig)",
			providers.ErrNoIdentity, a.RoleAnnotation)
	}
	return "", fmt.Errorf("%w: vault: the pod's service account has no annotation %q (auth.roleAnnotation) and auth.role is not set",
		providers.ErrNoIdentity, a.RoleAnnotation)
}
