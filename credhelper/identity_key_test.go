package credhelper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/stretchr/testify/assert"
)

// TestCacheKeyFollowsIdentityContent: each backend's cache key changes
// when a file that says which identity answers is rewritten in place (the
// same path, another access key, service account or key pair), and stays
// when only a token that rotates for the same identity does (issue 13,
// finding 4). Paths and values are under a fake HOME; "$HOME" in the
// config, the files and the environment is replaced by it.
func TestCacheKeyFollowsIdentityContent(t *testing.T) {
	const (
		ecrEntry   = "    ecr: {}\n"
		gcrEntry   = "    gcr: {}\n"
		ociEntry   = "    ocivault: {secretId: ocid1.vaultsecret.oc1.iad.aaaa}\n"
		awsKeys    = "[default]\naws_access_key_id = AKIAALICE\naws_secret_access_key = alice-secret\n"
		awsKeysBob = "[default]\naws_access_key_id = AKIABOB\naws_secret_access_key = bob-secret\n"
		ociConfig  = "[DEFAULT]\nuser=ocid1.user.oc1..alice\nfingerprint=aa\nkey_file=$HOME/.oci/key.pem\ntenancy=ocid1.tenancy.oc1..t\nregion=us-ashburn-1\n" +
			"[session]\nfingerprint=bb\nkey_file=$HOME/.oci/session.pem\nsecurity_token_file=$HOME/.oci/token\ntenancy=ocid1.tenancy.oc1..t\nregion=us-ashburn-1\n"
		adcAlice = `{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"alice"}`
		adcBob   = `{"type":"authorized_user","client_id":"c","client_secret":"s","refresh_token":"bob"}`
	)
	external := `{"type":"external_account","audience":"//iam.googleapis.com/x","subject_token_type":"urn:ietf:params:oauth:token-type:jwt",` +
		`"token_url":"https://sts.googleapis.com/v1/token","credential_source":{"file":"$HOME/subject-token"}}`
	tests := []struct {
		name     string
		entry    string            // the entry's kind block; entry2, if set, replaces it after the change
		entry2   string            //
		files    map[string]string // under HOME, before
		env      map[string]string
		rewrite  map[string]string // under HOME, the change
		wantSame bool
	}{
		{name: "ecr: ~/.aws/credentials names another key", entry: ecrEntry,
			files: map[string]string{".aws/credentials": awsKeys}, rewrite: map[string]string{".aws/credentials": awsKeysBob}},
		{name: "ecr: ~/.aws/credentials appears", entry: ecrEntry,
			rewrite: map[string]string{".aws/credentials": awsKeys}},
		{name: "ecr: AWS_SHARED_CREDENTIALS_FILE names another key", entry: ecrEntry,
			env:   map[string]string{"AWS_SHARED_CREDENTIALS_FILE": "$HOME/creds"},
			files: map[string]string{"creds": awsKeys}, rewrite: map[string]string{"creds": awsKeysBob}},
		{name: "ecr: ~/.aws/config assumes another role", entry: "    ecr: {profile: ci}\n",
			files:   map[string]string{".aws/config": "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = default\n"},
			rewrite: map[string]string{".aws/config": "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = default\n"}},
		{name: "ecr: AWS_CONFIG_FILE's source profile changes", entry: ecrEntry,
			env:     map[string]string{"AWS_CONFIG_FILE": "$HOME/cfg", "AWS_PROFILE": "ci"},
			files:   map[string]string{"cfg": "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = one\n"},
			rewrite: map[string]string{"cfg": "[profile ci]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = two\n"}},
		{name: "ecr: the web-identity token rotates for the same role", entry: ecrEntry, wantSame: true,
			env:   map[string]string{"AWS_WEB_IDENTITY_TOKEN_FILE": "$HOME/token", "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/puller"},
			files: map[string]string{"token": "jwt-1"}, rewrite: map[string]string{"token": "jwt-2"}},
		{name: "vault aws login: ~/.aws/credentials names another key", entry: "    vault: {address: \"https://vault.example.com:8200\", path: secret/reg, auth: {method: aws, role: r}}\n",
			files: map[string]string{".aws/credentials": awsKeys}, rewrite: map[string]string{".aws/credentials": awsKeysBob}},
		{name: "gcr: gcloud's ADC file is another login", entry: gcrEntry,
			files:   map[string]string{".config/gcloud/application_default_credentials.json": adcAlice},
			rewrite: map[string]string{".config/gcloud/application_default_credentials.json": adcBob}},
		{name: "gcr: CLOUDSDK_CONFIG's ADC file is another login", entry: gcrEntry, env: map[string]string{"CLOUDSDK_CONFIG": "$HOME/gc"},
			files: map[string]string{"gc/application_default_credentials.json": adcAlice}, rewrite: map[string]string{"gc/application_default_credentials.json": adcBob}},
		{name: "gcr: GOOGLE_APPLICATION_CREDENTIALS is another login", entry: gcrEntry, env: map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": "$HOME/gac.json"},
			files: map[string]string{"gac.json": adcAlice}, rewrite: map[string]string{"gac.json": adcBob}},
		{name: "gcr: credentialsFile is another account", entry: "    gcr: {credentialsFile: ~/sa.json}\n",
			files: map[string]string{"sa.json": adcAlice}, rewrite: map[string]string{"sa.json": adcBob}},
		{name: "gcr: another impersonation target", entry: "    gcr: {impersonateServiceAccount: a@p.iam.gserviceaccount.com}\n",
			entry2: "    gcr: {impersonateServiceAccount: b@p.iam.gserviceaccount.com}\n"},
		{name: "gcr: an external account's subject token rotates", entry: gcrEntry, wantSame: true, env: map[string]string{"GOOGLE_APPLICATION_CREDENTIALS": "$HOME/ext.json"},
			files: map[string]string{"ext.json": external, "subject-token": "jwt-1"}, rewrite: map[string]string{"subject-token": "jwt-2"}},
		{name: "ocivault: ~/.oci/config names another user", entry: ociEntry,
			files:   map[string]string{".oci/config": ociConfig, ".oci/key.pem": "alice-key"},
			rewrite: map[string]string{".oci/config": strings.Replace(ociConfig, "..alice", "..bob", 1)}},
		{name: "ocivault: the profile's key file is another key", entry: ociEntry,
			files: map[string]string{".oci/config": ociConfig, ".oci/key.pem": "alice-key"}, rewrite: map[string]string{".oci/key.pem": "bob-key"}},
		{name: "ocivault: OCI_CONFIG_FILE's key file is another key", entry: ociEntry, env: map[string]string{"OCI_CONFIG_FILE": "$HOME/oci.cfg"},
			files: map[string]string{"oci.cfg": ociConfig, ".oci/key.pem": "alice-key"}, rewrite: map[string]string{".oci/key.pem": "bob-key"}},
		{name: "ocivault: another profile's key file is not this identity", entry: ociEntry, wantSame: true,
			files: map[string]string{".oci/config": ociConfig, ".oci/key.pem": "alice-key", ".oci/session.pem": "s1"}, rewrite: map[string]string{".oci/session.pem": "s2"}},
		{name: "ocivault: a refreshed session token is the same session", entry: "    ocivault: {secretId: ocid1.vaultsecret.oc1.iad.aaaa, auth: session_token, profile: session}\n", wantSame: true,
			files: map[string]string{".oci/config": ociConfig, ".oci/session.pem": "s1", ".oci/token": "t1"}, rewrite: map[string]string{".oci/token": "t2"}},
		{name: "ocivault: a new session is a new key", entry: "    ocivault: {secretId: ocid1.vaultsecret.oc1.iad.aaaa, auth: session_token, profile: session}\n",
			files: map[string]string{".oci/config": ociConfig, ".oci/session.pem": "s1", ".oci/token": "t1"}, rewrite: map[string]string{".oci/session.pem": "s2", ".oci/token": "t2"}},
		{name: "ocir: the profile's key file is another key", entry: "    ocir: {}\n",
			files: map[string]string{".oci/config": ociConfig, ".oci/key.pem": "alice-key"}, rewrite: map[string]string{".oci/key.pem": "bob-key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			expand := func(s string) string { return strings.ReplaceAll(s, "$HOME", home) }
			write := func(files map[string]string) {
				for name, data := range files {
					p := filepath.Join(home, name)
					must(t, os.MkdirAll(filepath.Dir(p), 0o700))
					must(t, os.WriteFile(p, []byte(expand(data)), 0o600))
				}
			}
			env := func(k string) (string, bool) {
				if k == "HOME" {
					return home, true
				}
				v, ok := tt.env[k]
				return expand(v), ok
			}
			host := map[bool]string{true: "us-docker.pkg.dev", false: "123456789012.dkr.ecr.us-east-1.amazonaws.com"}[strings.Contains(tt.entry, "gcr:")]
			if strings.Contains(tt.entry, "ocir:") {
				host = "iad.ocir.io"
			}
			key := func(entry string) string {
				cfg, err := config.Parse("c.yaml", []byte("defaults: false\nregistries:\n  - match: \""+host+"\"\n"+entry))
				must(t, err)
				return cfg.Registries[0].CacheKey(target(t, host), nil, env)
			}
			write(tt.files)
			before := key(tt.entry)
			require.Equal(t, before, key(tt.entry), "the key is not stable while nothing changes")
			write(tt.rewrite)
			entry := tt.entry
			if tt.entry2 != "" {
				entry = tt.entry2
			}
			if tt.wantSame {
				assert.Equal(t, before, key(entry), "the key changed")
			} else {
				assert.NotEqual(t, before, key(entry), "the key is unchanged")
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	require.NoError(t, err)
}
