package vaulttest

import (
	"encoding/json"
	"net/http"
	"time"
)

// AppRole is an AppRole auth mount.
type AppRole struct {
	n     *Namespace
	roles map[string]*appRole // by role_id
}

type appRole struct {
	name, secretID string
	ttl            time.Duration
	policies       []string
}

// EnableAppRole enables AppRole at auth/<mount>.
func (n *Namespace) EnableAppRole(mount string) *AppRole {
	a := &AppRole{n: n, roles: map[string]*appRole{}}
	n.locked(func() { n.auths[mount] = a })
	return a
}

// Role adds a role. An empty secretID means bind_secret_id=false.
func (a *AppRole) Role(name, roleID, secretID string, ttl time.Duration, policies ...string) {
	a.n.locked(func() { a.roles[roleID] = &appRole{name: name, secretID: secretID, ttl: ttl, policies: policies} })
}

func (a *AppRole) login(n *Namespace, _ *http.Request, body []byte) answer {
	var in struct {
		RoleID   string `json:"role_id"`
		SecretID string `json:"secret_id"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errs(http.StatusBadRequest, "failed to parse JSON input: "+err.Error())
	}
	if in.RoleID == "" {
		return errs(http.StatusBadRequest, "missing role_id")
	}
	role := a.roles[in.RoleID]
	switch {
	case role == nil:
		return errs(http.StatusBadRequest, "invalid role or secret ID")
	case role.secretID == "": // bind_secret_id=false
	case in.SecretID == "":
		return errs(http.StatusBadRequest, "missing secret_id")
	case in.SecretID != role.secretID:
		return errs(http.StatusBadRequest, "invalid role or secret ID")
	}
	return n.issue(role.policies, role.ttl, map[string]string{"role_name": role.name})
}
