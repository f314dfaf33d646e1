package vault

import (
	"slices"
	"strings"
)

// authFields lists, per method, the auth settings it reads.
func authFields(method string) []string {
	switch method {
	case MethodToken:
		return []string{"tokenFile"}
	case MethodAppRole:
		return []string{"mount", "roleId", "roleIdFile", "secretId", "secretIdFile"}
	case MethodKubernetes:
		return []string{"mount", "role", "roleAnnotation", "jwtFile"}
	case MethodJWT:
		return []string{"mount", "role", "roleAnnotation", "jwtFile", "idToken"}
	case MethodOIDC:
		return []string{"mount", "role", "jwtFile", "idToken"}
	case MethodAWS:
		return []string{"mount", "role", "headerValue", "region"}
	case MethodCert:
		return []string{"mount", "role"}
	}
	return nil
}

func (a Auth) set() []string {
	names := setNames("mount", a.Mount, "role", a.Role, "roleId", a.RoleID, "roleIdFile", a.RoleIDFile,
		"secretId", a.SecretID, "secretIdFile", a.SecretIDFile, "jwtFile", a.JWTFile,
		"roleAnnotation", a.RoleAnnotation,
		"tokenFile", a.TokenFile, "headerValue", a.HeaderValue, "region", a.Region)
	if a.IDToken != nil {
		names = append(names, "idToken")
	}
	return names
}

func (a Auth) validate() error {
	method := Config{Auth: a}.Method()
	allowed := authFields(method)
	if allowed == nil {
		return invalid("auth.method is not one of token, approle, kubernetes, jwt, oidc, aws, cert")
	}
	for _, name := range a.set() {
		if !slices.Contains(allowed, name) {
			return invalid("auth.%s is not used by the %s method (it reads %s)", name, method, strings.Join(allowed, ", "))
		}
	}
	if a.RoleAnnotation != "" && strings.ContainsFunc(a.RoleAnnotation, isSpaceOrControl) {
		return invalid("auth.roleAnnotation must be an annotation key (like vault.hashicorp.com/role), without spaces")
	}
	// A header value may hold spaces, not control characters (RFC 9110).
	if a.HeaderValue != "" && strings.ContainsFunc(a.HeaderValue, func(r rune) bool { return r != ' ' && r != '\t' && isSpaceOrControl(r) }) {
		return invalid("auth.headerValue must not contain control characters (it is sent as a header)")
	}
	if a.RoleAnnotation != "" && a.JWTFile != "" {
		return invalid("auth.roleAnnotation with auth.jwtFile: the role would be chosen by the pod's annotation but the login made with the token in %s, not the pod's; "+
			"any pod could then name another tenant's role. Drop jwtFile (the login then uses the pod's own service-account token) or drop roleAnnotation (one fixed auth.role)", a.JWTFile)
	}
	if a.IDToken != nil {
		if a.JWTFile != "" || a.RoleAnnotation != "" {
			return invalid("auth.idToken is the login's JWT: drop auth.jwtFile and auth.roleAnnotation (the pod's own token is idToken's from: auto in kubelet mode)")
		}
		if err := a.IDToken.Validate(); err != nil {
			return invalid("auth.%v", err)
		}
	}
	if a.Mount != "" {
		if err := CheckPath(a.Mount); err != nil {
			return invalid("auth.mount %v", err)
		}
	}
	return a.validateMethod(method)
}

// validRegion accepts the shape of an AWS region name (us-east-1,
// cn-north-1, us-gov-west-1); it becomes part of a host name.
func validRegion(s string) bool {
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	for i, p := range parts {
		last := i == len(parts)-1
		if p == "" || strings.ContainsFunc(p, func(r rune) bool {
			return last && (r < '0' || r > '9') || !last && (r < 'a' || r > 'z')
		}) {
			return false
		}
	}
	return true
}

func (a Auth) validateMethod(method string) error {
	switch method {
	case MethodAppRole:
		if set := setNames("roleId", a.RoleID, "roleIdFile", a.RoleIDFile); len(set) != 1 {
			return invalid("the approle method needs exactly one of auth.roleId, auth.roleIdFile (got %s)", listOrNone(set))
		}
		if set := setNames("secretId", a.SecretID, "secretIdFile", a.SecretIDFile); len(set) > 1 {
			return invalid("set auth.secretId or auth.secretIdFile, not both")
		}
	case MethodKubernetes:
		if a.Role == "" && a.RoleAnnotation == "" {
			return invalid("the kubernetes method needs auth.role or auth.roleAnnotation (the Vault role bound to the service account)")
		}
	case MethodAWS:
		if a.Region != "" && !validRegion(a.Region) {
			return invalid("auth.region is not an AWS region name such as eu-west-1")
		}
	}
	return nil
}
