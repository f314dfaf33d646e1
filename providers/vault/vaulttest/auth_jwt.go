package vaulttest

import (
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"
)

// Kubernetes is a Kubernetes auth mount that validates service-account
// JWTs locally against a public key (as with pem_keys set).
type Kubernetes struct {
	n     *Namespace
	key   *rsa.PublicKey
	roles map[string]KubernetesRole
}

// KubernetesRole binds service accounts to policies. "*" matches any name
// or namespace.
type KubernetesRole struct {
	ServiceAccountNames      []string
	ServiceAccountNamespaces []string
	Audience                 string // optional
	TTL                      time.Duration
	Policies                 []string
}

// EnableKubernetes enables Kubernetes auth at auth/<mount>.
func (n *Namespace) EnableKubernetes(mount string, key *rsa.PublicKey) *Kubernetes {
	k := &Kubernetes{n: n, key: key, roles: map[string]KubernetesRole{}}
	n.locked(func() { n.auths[mount] = k })
	return k
}

// Role adds a role.
func (k *Kubernetes) Role(name string, r KubernetesRole) { k.n.locked(func() { k.roles[name] = r }) }

func (k *Kubernetes) login(n *Namespace, _ *http.Request, body []byte) answer {
	var in loginInput
	if err := json.Unmarshal(body, &in); err != nil {
		return errs(http.StatusBadRequest, "failed to parse JSON input: "+err.Error())
	}
	switch {
	case in.Role == "":
		return errs(http.StatusBadRequest, "missing role")
	case in.JWT == "":
		return errs(http.StatusBadRequest, "missing jwt")
	}
	role, ok := k.roles[in.Role]
	if !ok {
		return errs(http.StatusBadRequest, fmt.Sprintf("invalid role name %q", in.Role))
	}
	claims, err := verifyJWT(in.JWT, k.key)
	if err == nil {
		err = checkTimes(claims, n.s.now())
	}
	if err != nil {
		return errs(http.StatusForbidden, "permission denied")
	}
	name, ns := serviceAccount(claims)
	switch {
	case name == "" || ns == "":
		return errs(http.StatusForbidden, "permission denied")
	case !matchesAny(role.ServiceAccountNames, name):
		return errs(http.StatusForbidden, "service account name not authorized")
	case !matchesAny(role.ServiceAccountNamespaces, ns):
		return errs(http.StatusForbidden, "namespace not authorized")
	case role.Audience != "" && !slices.Contains(audiences(claims), role.Audience):
		return errs(http.StatusForbidden, "invalid audience (aud) claim: audience claim does not match any expected audience")
	}
	return n.issue(role.Policies, role.TTL, map[string]string{"role": in.Role, "service_account_name": name, "service_account_namespace": ns})
}

// serviceAccount reads the account from a projected token's
// "kubernetes.io" claim, or from a legacy secret-based token's claims.
func serviceAccount(claims map[string]any) (name, namespace string) {
	if k, ok := claims["kubernetes.io"].(map[string]any); ok {
		namespace, _ = k["namespace"].(string)
		if sa, ok := k["serviceaccount"].(map[string]any); ok {
			name, _ = sa["name"].(string)
		}
		return name, namespace
	}
	name, _ = claims["kubernetes.io/serviceaccount/service-account.name"].(string)
	namespace, _ = claims["kubernetes.io/serviceaccount/namespace"].(string)
	return name, namespace
}

// JWT is a JWT auth mount validating tokens against one public key (as
// with jwt_validation_pubkeys set).
type JWT struct {
	n           *Namespace
	key         *rsa.PublicKey
	issuer      string
	defaultRole string
	roles       map[string]JWTRole
}

// JWTRole is a role of type "jwt".
type JWTRole struct {
	BoundAudiences []string
	BoundSubject   string
	BoundClaims    map[string]string
	UserClaim      string // default "sub"
	TTL            time.Duration
	Policies       []string
}

// EnableJWT enables JWT auth at auth/<mount>.
func (n *Namespace) EnableJWT(mount string, key *rsa.PublicKey) *JWT {
	j := &JWT{n: n, key: key, roles: map[string]JWTRole{}}
	n.locked(func() { n.auths[mount] = j })
	return j
}

// BoundIssuer requires the "iss" claim to equal iss.
func (j *JWT) BoundIssuer(iss string) { j.n.locked(func() { j.issuer = iss }) }

// DefaultRole is used when a login names no role.
func (j *JWT) DefaultRole(name string) { j.n.locked(func() { j.defaultRole = name }) }

// Role adds a role.
func (j *JWT) Role(name string, r JWTRole) { j.n.locked(func() { j.roles[name] = r }) }

func (j *JWT) login(n *Namespace, _ *http.Request, body []byte) answer {
	var in loginInput
	if err := json.Unmarshal(body, &in); err != nil {
		return errs(http.StatusBadRequest, "failed to parse JSON input: "+err.Error())
	}
	if in.Role == "" {
		in.Role = j.defaultRole
	}
	if in.Role == "" {
		return errs(http.StatusBadRequest, "missing role")
	}
	role, ok := j.roles[in.Role]
	if !ok {
		return errs(http.StatusBadRequest, fmt.Sprintf("role %q could not be found", in.Role))
	}
	if in.JWT == "" {
		return errs(http.StatusBadRequest, "missing token")
	}
	claims, err := verifyJWT(in.JWT, j.key)
	if err != nil {
		return errs(http.StatusBadRequest, "error validating token: "+err.Error())
	}
	if msg := j.checkClaims(role, claims); msg != "" {
		return errs(http.StatusBadRequest, "error validating claims: "+msg)
	}
	user, _ := claims[orDefault(role.UserClaim, "sub")].(string)
	if user == "" {
		return errs(http.StatusBadRequest, fmt.Sprintf("claim %q not found in token", orDefault(role.UserClaim, "sub")))
	}
	return n.issue(role.Policies, role.TTL, map[string]string{"role": in.Role})
}

// checkClaims applies the role's bindings; "" means they hold.
func (j *JWT) checkClaims(role JWTRole, claims map[string]any) string {
	if err := checkTimes(claims, j.n.s.now()); err != nil {
		return err.Error()
	}
	aud := audiences(claims)
	switch {
	case j.issuer != "" && claims["iss"] != j.issuer:
		return "invalid issuer (iss) claim"
	case len(role.BoundAudiences) == 0 && len(aud) > 0:
		return "audience claim found in JWT but no audiences bound to the role"
	case len(role.BoundAudiences) > 0 && !intersects(aud, role.BoundAudiences):
		return "invalid audience (aud) claim: audience claim does not match any expected audience"
	case role.BoundSubject != "" && claims["sub"] != role.BoundSubject:
		return "sub claim does not match bound subject"
	}
	for _, name := range slices.Sorted(maps.Keys(role.BoundClaims)) {
		if v, _ := claims[name].(string); v != role.BoundClaims[name] {
			return fmt.Sprintf("claim %q does not match any associated bound claim values", name)
		}
	}
	return ""
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
