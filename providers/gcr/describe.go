package gcr

// IdentitySource implements providers.IdentitySource, for `check`: where
// the entry's token comes from, and whom it impersonates. Paths are not
// shown (a secret typed in the wrong place); the pool provider and the
// service accounts are names, not secrets.
func (c Config) IdentitySource() string {
	var s string
	switch {
	case c.IDToken != nil:
		s = "identity token (idToken) exchanged at " + c.WorkloadIdentityProvider
	case c.federated():
		s = "pod's service-account token at " + c.WorkloadIdentityProvider
		if a := c.WorkloadIdentityProviderAnnotation; a != "" {
			s = "pod's service-account token at the pool provider of annotation " + a
			if c.WorkloadIdentityProvider != "" {
				s += ", else " + c.WorkloadIdentityProvider
			}
		}
		if a := c.ServiceAccountAnnotation; a != "" {
			s += ", impersonating annotation " + a
			if c.ImpersonateServiceAccount != "" {
				s += ", else " + c.ImpersonateServiceAccount
			}
			return s
		}
	case c.Source == SourceGcloud:
		s = "gcloud login"
		if c.GcloudPath != "" {
			s += " (gcloudPath)"
		}
	case c.CredentialsFile != "":
		s = "credentialsFile"
	default:
		s = "Application Default Credentials"
	}
	if c.ImpersonateServiceAccount != "" {
		s += ", impersonating " + c.ImpersonateServiceAccount
	}
	return s
}
