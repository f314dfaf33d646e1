package gcr

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func TestGcloudADCPath(t *testing.T) {
	tests := []struct {
		name, goos string
		env        map[string]string
		want       string
	}{
		{name: "CLOUDSDK_CONFIG first", goos: "linux", env: map[string]string{"CLOUDSDK_CONFIG": "/cfg", "HOME": "/home/ci"}, want: "/cfg/" + ADCFile},
		{name: "under HOME", goos: "linux", env: map[string]string{"HOME": "/home/ci"}, want: "/home/ci/.config/gcloud/" + ADCFile},
		{name: "no HOME", goos: "linux", env: map[string]string{}, want: ""},
		{name: "windows APPDATA", goos: "windows", env: map[string]string{"APPDATA": "/appdata", "HOME": "/home/ci"}, want: "/appdata/gcloud/" + ADCFile},
		{name: "windows without APPDATA", goos: "windows", env: map[string]string{"HOME": "/home/ci"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := testkit.Env(tt.env).Lookup
			got, why := GcloudADCPath(lookup, tt.goos)
			assert.Equal(t, tt.want, got, "GcloudADCPath")
			assert.NotEqual(t, got == "", why == "", "GcloudADCPath = %q, %q: a path, or why there is none", got, why)
		})
	}
}

// TestIdentityFiles: the one file the backend reads its identity from, in
// the backend's order.
func TestIdentityFiles(t *testing.T) {
	home := map[string]string{"HOME": "/home/ci"}
	withGAC := map[string]string{"HOME": "/home/ci", "GOOGLE_APPLICATION_CREDENTIALS": "/etc/gac.json", "CLOUDSDK_CONFIG": "/cfg"}
	tests := []struct {
		name string
		cfg  Config
		env  map[string]string
		want []string
	}{
		{name: "credentialsFile wins", cfg: Config{CredentialsFile: "/etc/sa.json"}, env: withGAC, want: []string{"/etc/sa.json"}},
		{name: "credentialsFile under ~", cfg: Config{CredentialsFile: "~/sa.json"}, env: home, want: []string{"/home/ci/sa.json"}},
		{name: "GOOGLE_APPLICATION_CREDENTIALS", env: withGAC, want: []string{"/etc/gac.json"}},
		{name: "gcloud's ADC file", env: home, want: []string{"/home/ci/.config/gcloud/" + ADCFile}},
		{name: "CLOUDSDK_CONFIG", env: map[string]string{"HOME": "/home/ci", "CLOUDSDK_CONFIG": "/cfg"}, want: []string{"/cfg/" + ADCFile}},
		{name: "nowhere to look", env: map[string]string{}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookup := testkit.Env(tt.env).Lookup
			var c providers.IdentityFiles = tt.cfg
			assert.Equal(t, tt.want, c.IdentityFiles(lookup))
		})
	}
}
