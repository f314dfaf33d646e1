package vault

import "github.com/regcred/regcred/providers/idtoken"

// UsesPodIdentity implements providers.PodIdentity: the kubernetes, jwt and
// oidc logins without auth.jwtFile send the service-account token the
// kubelet passes. With jwtFile they log in with that file's token (the
// node's), whatever the request carries.
func (c Config) UsesPodIdentity() bool {
	switch c.Method() {
	case MethodKubernetes, MethodJWT, MethodOIDC:
		return c.Auth.JWTFile == "" && (c.Auth.IDToken == nil || c.Auth.IDToken.Source() == idtoken.FromAuto)
	}
	return false
}

// PodAnnotations implements providers.PodIdentity.
func (c Config) PodAnnotations() []string {
	if c.Auth.RoleAnnotation == "" {
		return nil
	}
	return []string{c.Auth.RoleAnnotation}
}
