package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/gcr/gcrtest"
)

// TestKubeletServiceAccountGoogle: each pod's token is exchanged at the
// fake STS (which verifies it against the cluster issuer's JWKS) and
// impersonates the Google service account its annotation names; the file
// cache keeps pods apart, and the node's own Google identity never answers.
func TestKubeletServiceAccountGoogle(t *testing.T) {
	srv := gcrtest.NewServer(t)
	cluster := srv.NewCluster(t, "cluster")
	node := srv.NewMetadata(t, "node@proj.iam.gserviceaccount.com")
	const ann, pattern = "iam.gke.io/gcp-service-account", "*-docker.pkg.dev"
	const builderSA, testerSA = "builder@proj.iam.gserviceaccount.com", "tester@proj.iam.gserviceaccount.com"
	srv.AllowImpersonation(cluster.Principal("ci", "builder"), builderSA)
	srv.AllowImpersonation(cluster.Principal("ci", "tester"), testerSA)
	builderTok, testerTok := cluster.Token(t, "ci", "builder"), cluster.Token(t, "ci", "tester")
	cfg := writeConfig(t, `cache: {store: file, dir: `+filepath.Join(t.TempDir(), "cache")+`}
registries:
  - match: "`+pattern+`"
    gcr:
      workloadIdentityProvider: "`+cluster.Provider+`"
      serviceAccountAnnotation: "`+ann+`"
      stsEndpoint: "`+srv.URL+`"
      iamCredentialsEndpoint: "`+srv.IAMCredentialsURL()+`"
`)
	env := []string{"REGCRED_CONFIG=" + cfg, "REGCRED_CACHE=", "REGCRED_LOG=debug", "GCE_METADATA_HOST=" + node.Host}
	image := "us-docker.pkg.dev/proj/app/web"
	steps := []struct {
		name, token, sa, principal string
		wantSameAs                 int // index of an earlier step whose cached password must come back; -1: none
		wantSTS                    int
	}{
		{name: "builder", token: builderTok, sa: builderSA, principal: builderSA, wantSameAs: -1, wantSTS: 1},
		{name: "tester", token: testerTok, sa: testerSA, principal: testerSA, wantSameAs: -1, wantSTS: 2},
		{name: "builder from cache", token: builderTok, sa: builderSA, principal: builderSA, wantSameAs: 0, wantSTS: 2},
		{name: "builder without annotation: its federated identity", token: builderTok, principal: cluster.Principal("ci", "builder"), wantSameAs: -1, wantSTS: 3},
	}
	var got []string
	for _, s := range steps {
		anns := map[string]string{}
		if s.sa != "" {
			anns[ann] = s.sa
		}
		pw := kubeletPassword(t, env, saKubeletRequest(t, image, s.token, anns), pattern, builderTok, testerTok)
		got = append(got, pw)
		iss, ok := srv.Lookup(pw)
		require.True(t, ok, "%s: the password is not a token the fake issued", s.name)
		assert.Equal(t, s.principal, iss.Principal, "%s: token issued to", s.name)
		if s.wantSameAs >= 0 {
			assert.Equal(t, got[s.wantSameAs], pw, "%s: not the cached password of step %d", s.name, s.wantSameAs)
		}
		assert.Equal(t, s.wantSTS, srv.Requests("sts"), "%s: STS exchanges", s.name)
	}
	assert.NotEqual(t, got[1], got[0], "the second service account got the first one's password")
	assert.Zero(t, node.TokenRequests(), "the node's metadata server answered for a pod")

	// The builder naming the tester's account exchanges afresh and is refused.
	res := runBinary(t, testBinary(t), runOpts{Env: env, Stdin: saKubeletRequest(t, image, builderTok, map[string]string{ann: testerSA})}, "kubelet")
	assert.Equal(t, 1, res.Exit, "another pod's account: exit %d, stderr %q", res.Exit, res.Stderr)
	assert.Contains(t, res.Stderr, "may not impersonate "+testerSA, "another pod's account: stderr %q", res.Stderr)
	// A token the issuer did not sign is refused at STS.
	forged := cluster.Forged(t, map[string]any{"iss": cluster.Issuer, "sub": "system:serviceaccount:ci:builder", "aud": cluster.TokenAudience, "exp": 1 << 40})
	res = runBinary(t, testBinary(t), runOpts{Env: env, Stdin: saKubeletRequest(t, image, forged, map[string]string{ann: builderSA})}, "kubelet")
	assert.Equal(t, 1, res.Exit, "forged token: exit %d, stderr %q", res.Exit, res.Stderr)
	assert.Contains(t, res.Stderr, "invalid_grant", "forged token: stderr %q", res.Stderr)
	for _, tok := range append(srv.IssuedTokens(), builderTok, testerTok, forged) {
		assert.NotContains(t, res.Stdout+res.Stderr, tok, "a token reached the output")
	}
}
