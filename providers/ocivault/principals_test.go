package ocivault

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/oci/ociauth"
	"github.com/regcred/regcred/providers/oci/ocitest"
)

// The principals' variables are read by the SDK from the process
// environment, so these tests use t.Setenv and do not run in parallel.

func newIssuer(t *testing.T) *ocitest.Issuer {
	t.Helper()
	iss, err := ocitest.NewIssuer(nil)
	require.NoError(t, err)
	return iss
}

func newInstance(t *testing.T) *ocitest.InstanceIdentity {
	t.Helper()
	id, err := ocitest.NewInstanceIdentity("iad")
	require.NoError(t, err)
	return id
}

// lastKeyID is the key id of the fake's last verified request.
func lastKeyID(t *testing.T, s *ocitest.Secrets) string {
	t.Helper()
	calls := s.Calls()
	require.NotEmpty(t, calls, "the fake served no request")
	return calls[len(calls)-1].KeyID
}

func TestInstancePrincipal(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "robot", "from-instance-principal")
	id := newInstance(t)
	md := ocitest.NewMetadata(t, id)
	fed := ocitest.NewFederation(t, f.keys, newIssuer(t), id)
	t.Setenv(ociauth.EnvMetadataBaseURL, md.BaseURL)
	t.Setenv(ociauth.EnvAuthClientRegionURL, fed.URL)

	p := f.provider(t, Config{SecretID: testSecretID, Auth: "instance_principal"}, osEnv(ociauth.EnvMetadataBaseURL))
	cred, err := p.Credential(context.Background(), providers.Request{})
	require.NoError(t, err, "federation refused: %v", fed.Rejected())
	assert.Equal(t, "from-instance-principal", cred.Secret.Reveal())
	issued := fed.Issued()
	require.Len(t, issued, 1, "tokens issued")
	assert.Equal(t, "ST$"+issued[0], lastKeyID(t, f.secrets), "the secret was not read with the federated session token")
	paths := md.Paths()
	for _, want := range []string{"/opc/v2/instance/region", "/opc/v2/identity/cert.pem", "/opc/v2/identity/key.pem", "/opc/v2/identity/intermediate.pem"} {
		assert.Contains(t, paths, want, "metadata service was not asked for it")
	}
}

func TestInstancePrincipalRefusedByFederation(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "robot", "pw")
	trusted, impostor := newInstance(t), newInstance(t)
	md := ocitest.NewMetadata(t, impostor) // serves a certificate the auth service does not trust
	fed := ocitest.NewFederation(t, f.keys, newIssuer(t), trusted)
	t.Setenv(ociauth.EnvMetadataBaseURL, md.BaseURL)
	t.Setenv(ociauth.EnvAuthClientRegionURL, fed.URL)

	_, err := f.provider(t, Config{SecretID: testSecretID, Auth: "instance_principal"}, osEnv(ociauth.EnvMetadataBaseURL)).
		Credential(context.Background(), providers.Request{})
	require.ErrorIs(t, err, providers.ErrDenied)
	assert.NotEmpty(t, fed.Rejected(), "federation rejections")
	assert.Empty(t, f.secrets.Calls(), "secret reads")
}

// Off OCI there is no metadata service: the probe says so at once instead
// of the SDK's two minutes of retries (the test's own timeout would catch
// a regression).
func TestInstancePrincipalWithoutMetadataService(t *testing.T) {
	f := newFixture(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	dead := "http://" + l.Addr().String() + "/opc/v2"
	l.Close()
	_, err = f.provider(t, Config{SecretID: testSecretID, Auth: "instance_principal"}, map[string]string{ociauth.EnvMetadataBaseURL: dead}).
		Credential(context.Background(), providers.Request{})
	testkit.WantErr(t, err, providers.ErrNoIdentity, "metadata")
}

func TestResourcePrincipal(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "robot", "from-resource-principal")
	env, err := ocitest.ResourcePrincipal(f.keys, newIssuer(t), "us-ashburn-1")
	require.NoError(t, err)
	for k, v := range env {
		t.Setenv(k, v)
	}
	cred, err := f.provider(t, Config{SecretID: testSecretID, Auth: "resource_principal"}, env).Credential(context.Background(), providers.Request{})
	require.NoError(t, err, "Credential")
	assert.Equal(t, "from-resource-principal", cred.Secret.Reveal())
	assert.Equal(t, "ST$"+env[ociauth.EnvRPST], lastKeyID(t, f.secrets), "key id not the RPST")
}

func TestResourcePrincipalAbsent(t *testing.T) {
	f := newFixture(t)
	_, err := f.provider(t, Config{SecretID: testSecretID, Auth: "resource_principal"}, map[string]string{}).Credential(context.Background(), providers.Request{})
	testkit.WantErr(t, err, providers.ErrNoIdentity, ociauth.EnvRPVersion)
}

func TestSessionTokenProfile(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "robot", "from-session")
	session, err := ocitest.NewAPIKey(nil) // the session key pair `oci session authenticate` makes
	require.NoError(t, err)
	dir := t.TempDir()
	token := newIssuer(t).Token(map[string]any{"sub": "ocid1.user.oc1..aaaaaaaafakeuser", "ptype": "user"}, time.Hour)
	tokenFile := filepath.Join(dir, "token")
	testkit.WriteFile(t, tokenFile, token)
	f.keys.AddSession(token, &session.Key.PublicKey)
	cfg, err := session.WriteConfig(dir, ocitest.Profile{Name: "SESSION", Region: "us-ashburn-1", SecurityTokenFile: tokenFile})
	require.NoError(t, err)
	tests := []struct {
		name string
		auth string
	}{
		{name: "regcred name", auth: "session_token"},
		{name: "OCI CLI name", auth: "security_token"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Config{SecretID: testSecretID, Auth: tc.auth, ConfigFile: cfg, Profile: "SESSION"}
			cred, err := f.provider(t, c, nil).Credential(context.Background(), providers.Request{})
			require.NoError(t, err, "Credential")
			assert.Equal(t, "from-session", cred.Secret.Reveal())
			assert.Equal(t, "ST$"+token, lastKeyID(t, f.secrets), "key id not the session token")
		})
	}
}

// setupOKE starts the proxymux fake (skipping when its fixed port is
// taken) and sets the variables OKE gives a pod.
func setupOKE(t *testing.T, f *fixture, saToken string) (*ocitest.Proxymux, map[string]string) {
	t.Helper()
	pm, err := ocitest.NewProxymux(t, f.keys, newIssuer(t), saToken)
	if err != nil {
		t.Skipf("cannot fake the proxymux: %v", err)
	}
	tokenFile := filepath.Join(t.TempDir(), "token")
	testkit.WriteFile(t, tokenFile, saToken)
	env := map[string]string{
		ociauth.EnvRPVersion:             "2.2",
		ociauth.EnvRPRegion:              "us-ashburn-1",
		ociauth.EnvKubernetesServiceHost: pm.Host,
		ociauth.EnvKubernetesSACertPath:  pm.CACertPath,
		ociauth.EnvKubernetesSATokenPath: tokenFile,
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	return pm, env
}

func TestOKEWorkloadIdentity(t *testing.T) {
	f := newFixture(t)
	f.putSecret(testSecretID, "", "robot", "from-workload-identity")
	iss := newIssuer(t)
	podToken := iss.Token(map[string]any{"sub": "system:serviceaccount:default:app"}, time.Hour)
	pm, env := setupOKE(t, f, podToken)
	tests := []struct {
		name string
		req  providers.Request
	}{
		{name: "token file", req: providers.Request{}},
		{name: "token from the kubelet", req: providers.Request{ServiceAccount: &providers.ServiceAccount{Token: providers.Secret(podToken)}}},
	}
	fileEnv := env
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := fileEnv
			if tc.req.ServiceAccount != nil {
				e = map[string]string{} // no token file: the kubelet's token must be used
				for k, v := range fileEnv {
					if k != ociauth.EnvKubernetesSATokenPath {
						e[k] = v
					}
				}
				e[ociauth.EnvKubernetesSATokenPath] = "/nonexistent/token"
			}
			before := pm.Exchanges()
			cred, err := f.provider(t, Config{SecretID: testSecretID, Auth: "oke_workload_identity"}, e).Credential(context.Background(), tc.req)
			require.NoError(t, err, "Credential")
			assert.Equal(t, "from-workload-identity", cred.Secret.Reveal())
			assert.Equal(t, before+1, pm.Exchanges(), "token exchanges")
			assert.True(t, strings.HasPrefix(lastKeyID(t, f.secrets), "ST$"), "key id %q is not a session token", lastKeyID(t, f.secrets))
		})
	}
}

func TestOKEWorkloadIdentityWrongToken(t *testing.T) {
	f := newFixture(t)
	iss := newIssuer(t)
	_, env := setupOKE(t, f, iss.Token(map[string]any{"sub": "expected"}, time.Hour))
	wrong := iss.Token(map[string]any{"sub": "someone-else"}, time.Hour)
	testkit.WriteFile(t, env[ociauth.EnvKubernetesSATokenPath], wrong)
	_, err := f.provider(t, Config{SecretID: testSecretID, Auth: "oke_workload_identity"}, env).Credential(context.Background(), providers.Request{})
	require.ErrorIs(t, err, providers.ErrDenied)
	testkit.AssertNoSecret(t, "error", err.Error(), wrong)
}

func TestOKEWorkloadIdentityMalformedTokenKeptOut(t *testing.T) {
	f := newFixture(t)
	const garbage = "not-a-jwt-but-still-a-secret"
	_, env := setupOKE(t, f, "whatever")
	testkit.WriteFile(t, env[ociauth.EnvKubernetesSATokenPath], garbage)
	_, err := f.provider(t, Config{SecretID: testSecretID, Auth: "oke_workload_identity"}, env).Credential(context.Background(), providers.Request{})
	require.ErrorIs(t, err, providers.ErrNoIdentity)
	testkit.AssertNoSecret(t, "error", err.Error(), garbage)
}
