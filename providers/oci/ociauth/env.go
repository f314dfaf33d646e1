package ociauth

// Environment variables that select an OCI identity. The SDK reads most of
// them itself from the process environment; the ones regcred reads go
// through providers.Deps (in package ocisdk). Settings.EnvKeys lists them
// for the cache key.
const (
	// EnvConfigFile and EnvCLIConfigFile locate the config file when the
	// entry names none (regcred reads them).
	EnvConfigFile    = "OCI_CONFIG_FILE"
	EnvCLIConfigFile = "OCI_CLI_CONFIG_FILE"
	// EnvCLIProfile picks the profile when the entry names none.
	EnvCLIProfile = "OCI_CLI_PROFILE"

	// EnvMetadataBaseURL moves the instance metadata service
	// (default http://169.254.169.254/opc/v2); regcred's probe and the SDK
	// both honour it.
	EnvMetadataBaseURL = "OCI_METADATA_BASE_URL"
	// EnvAuthClientRegionURL moves the federation (auth) endpoint the
	// instance principal exchanges its certificate at (SDK only).
	EnvAuthClientRegionURL = "OCI_SDK_AUTH_CLIENT_REGION_URL"

	// Resource principal (OCI Functions, Container Instances, Data Flow …)
	// and OKE workload identity, read by the SDK.
	EnvRPVersion              = "OCI_RESOURCE_PRINCIPAL_VERSION"
	EnvRPST                   = "OCI_RESOURCE_PRINCIPAL_RPST"
	EnvRPPrivatePEM           = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM"
	EnvRPPrivatePEMPassphrase = "OCI_RESOURCE_PRINCIPAL_PRIVATE_PEM_PASSPHRASE"
	EnvRPRegion               = "OCI_RESOURCE_PRINCIPAL_REGION"
	EnvKubernetesServiceHost  = "KUBERNETES_SERVICE_HOST"
	EnvKubernetesSACertPath   = "OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH"
	// EnvKubernetesSATokenPath moves the service-account token OKE workload
	// identity presents (default
	// /var/run/secrets/kubernetes.io/serviceaccount/token). The SDK ignores
	// it; regcred reads it and hands the SDK that path.
	EnvKubernetesSATokenPath = "OCI_KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH"
)
