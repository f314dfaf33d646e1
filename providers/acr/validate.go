package acr

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/lazyregexp"
)

// tenantRE is what Entra takes as a tenant: a GUID or a domain name.
var tenantRE = lazyregexp.New(`^[A-Za-z0-9.-]{1,253}$`)

// guidRE is an application (client) ID.
var guidRE = lazyregexp.New(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsTenantID reports whether s is usable as an Entra tenant: a GUID or a
// domain name. The pod's tenant annotation is checked with it too.
func IsTenantID(s string) bool { return tenantRE().MatchString(s) }

// IsClientID reports whether s is an application (client) ID, a GUID.
func IsClientID(s string) bool { return guidRE().MatchString(s) }

// Validate checks the settings without any I/O. Errors name the field and
// never quote its value: it may be a secret typed in the wrong place.
func (c Config) Validate() error {
	var errs []error
	bad := func(field, why string) {
		errs = append(errs, fmt.Errorf("acr: %s: %s: %w", field, why, providers.ErrInvalid))
	}
	if c.TenantID != "" && !IsTenantID(c.TenantID) {
		bad("tenantId", "is not a tenant ID (a GUID) or a domain name")
	}
	if c.ClientID != "" && !IsClientID(c.ClientID) {
		bad("clientId", "is not an application (client) ID, a GUID like 00000000-0000-0000-0000-000000000000")
	}
	for field, v := range map[string]string{"clientSecretFile": c.ClientSecretFile, "certificateFile": c.CertificateFile} {
		if v != "" && (strings.TrimSpace(v) == "" || strings.IndexFunc(v, unicode.IsControl) >= 0) {
			bad(field, "is not a usable path (blank or with control characters)")
		}
	}
	if c.ClientSecretFile != "" && c.CertificateFile != "" {
		bad("clientSecretFile/certificateFile", "set one: a service principal logs in with a secret or with a certificate")
	}
	if c.AuthorityHost != "" {
		if err := checkAuthority(c.AuthorityHost); err != nil {
			bad("authorityHost", err.Error())
		}
	}
	if c.Scope != "" && (strings.IndexFunc(c.Scope, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 || !strings.Contains(c.Scope, "://")) {
		bad("scope", "must be one scope without spaces, like "+DefaultScope)
	}
	for field, v := range map[string]string{"clientIdAnnotation": c.ClientIDAnnotation, "tenantIdAnnotation": c.TenantIDAnnotation} {
		if v != "" && strings.IndexFunc(v, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			bad(field, "must be an annotation key (like azure.workload.identity/client-id), without spaces")
		}
	}
	if c.TenantIDAnnotation != "" && c.ClientIDAnnotation == "" {
		bad("tenantIdAnnotation", "only applies with clientIdAnnotation")
	}
	if c.ClientIDAnnotation != "" && (c.ClientSecretFile != "" || c.CertificateFile != "") {
		bad("clientIdAnnotation", "logs in with the pod's token alone; it does not go with clientSecretFile or certificateFile")
	}
	if c.ClientIDAnnotation != "" && c.ClientID != "" {
		bad("clientId/clientIdAnnotation", "set one: the client ID comes either from the entry or from the pod's service account")
	}
	if c.IDToken != nil {
		if c.ClientSecretFile != "" || c.CertificateFile != "" || c.ClientIDAnnotation != "" {
			bad("idToken", "logs in with the identity token alone; it does not go with clientSecretFile, certificateFile or clientIdAnnotation")
		}
		if err := c.IDToken.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("acr: %w", err))
		}
	}
	return errors.Join(errs...)
}

// checkAuthority allows plain http to no one and https anywhere: the
// authority receives the client secret. Its errors do not quote the URL.
func checkAuthority(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return errors.New("is not a URL")
	case u.Scheme != "https":
		return errors.New("scheme must be https (like https://login.microsoftonline.com/)")
	case u.Hostname() == "":
		return errors.New("has no host")
	case u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.Trim(u.Path, "/") != "":
		return errors.New("must be a bare https://host/, without a path, user info, query or fragment")
	}
	return nil
}
