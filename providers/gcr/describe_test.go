package gcr

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/providers"
)

func TestIdentitySource(t *testing.T) {
	var _ providers.IdentitySource = Config{}
	const sa = "puller@proj.iam.gserviceaccount.com"
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{name: "ADC", cfg: Config{}, want: "Application Default Credentials"},
		{name: "key file, impersonating", cfg: Config{CredentialsFile: "/secret/path.json", ImpersonateServiceAccount: sa}, want: "credentialsFile, impersonating " + sa},
		{name: "gcloud", cfg: Config{Source: SourceGcloud}, want: "gcloud login"},
		{name: "gcloud by path", cfg: Config{Source: SourceGcloud, GcloudPath: "/opt/sdk/bin/gcloud"}, want: "gcloud login (gcloudPath)"},
		{name: "pod", cfg: Config{WorkloadIdentityProvider: wip}, want: "pod's service-account token at " + wip},
		{name: "pod, fixed account", cfg: Config{WorkloadIdentityProvider: wip, ImpersonateServiceAccount: sa}, want: "pod's service-account token at " + wip + ", impersonating " + sa},
		{name: "pod, annotations", cfg: Config{WorkloadIdentityProviderAnnotation: "a/wip", ServiceAccountAnnotation: "iam.gke.io/gcp-service-account", ImpersonateServiceAccount: sa},
			want: "pod's service-account token at the pool provider of annotation a/wip, impersonating annotation iam.gke.io/gcp-service-account, else " + sa},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.cfg.IdentitySource())
		})
	}
}
