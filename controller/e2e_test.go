package controller

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/regcred/regcred/internal/kubetest"
	"github.com/regcred/regcred/internal/registrytest"
	"github.com/regcred/regcred/internal/testkit"
)

// TestEndToEndKubeletKeyringAndSkopeo follows a credential from the
// engine's resolver (a static entry for a real docker-registry with
// htpasswd auth) through regcred-controller into a Secret in the real
// apiserver, then through the kubelet's own pull-secret keyring
// (bin/kube/keyring-lookup, k8s.io/kubernetes/pkg/credentialprovider/secrets)
// to the image's credential, and into skopeo, which pulls with it and is
// refused (401) without it.
func TestEndToEndKubeletKeyringAndSkopeo(t *testing.T) {
	lookup := kubetest.Bin(t, "keyring-lookup")
	skopeo := registrytest.RequireTool(t, "skopeo", "skopeo")
	reg := registrytest.Start(t)
	reg.Push(t, "team/app:1.0")
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	testkit.WriteFile(t, pwFile, reg.Password+"\n")
	cfg := parseConfig(t, `
registries:
  - match: `+reg.Addr+`
    static: {username: `+reg.Username+`, passwordFile: `+pwFile+`}
pullSecrets:
  - secretName: regcred-pull
    namespaces: [e2e]
    registries: ["`+reg.Addr+`"]
    serviceAccounts: [default]
`)
	w := newWorld(t)
	w.ns(t, "e2e", nil)
	w.sa(t, "e2e", "default")
	ctl := w.run(t, cfg, engineResolver(t, cfg), runOpts{})
	w.waitSecret(t, "e2e", "regcred-pull")
	w.waitLinks(t, "e2e", "default", "regcred-pull")

	// The kubelet reads the pod's service account's pull secrets.
	secrets, err := w.kc.CoreV1().Secrets("e2e").List(t.Context(), metav1.ListOptions{})
	require.NoError(t, err)
	var list corev1.SecretList
	list.Items = secrets.Items
	in, err := json.Marshal(&list)
	require.NoError(t, err)
	image := reg.Addr + "/team/app:1.0"
	cmd := exec.Command(lookup, image)
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	require.NoError(t, err, "the kubelet's keyring found nothing for %s: %s", image, stderrOf(err))
	var found []struct{ Username, Password, Secret string }
	require.NoError(t, json.Unmarshal(out, &found))
	require.Len(t, found, 1)
	assert.Equal(t, reg.Username, found[0].Username)
	assert.Equal(t, reg.Password, found[0].Password)
	assert.Equal(t, "e2e/regcred-pull", found[0].Secret)

	cmd = exec.Command(lookup, "elsewhere.example.com/team/app:1.0")
	cmd.Stdin = bytes.NewReader(in)
	_, err = cmd.Output()
	require.Error(t, err, "the keyring yields the credential for its registry only")

	// skopeo with the Secret's .dockerconfigjson as its auth file pulls;
	// without it the registry answers 401.
	authFile := filepath.Join(dir, "auth.json")
	for _, s := range secrets.Items {
		if s.Name == "regcred-pull" {
			require.NoError(t, os.WriteFile(authFile, s.Data[corev1.DockerConfigJsonKey], 0o600))
		}
	}
	empty := filepath.Join(dir, "empty.json")
	testkit.WriteFile(t, empty, "{}")
	target := filepath.Join(dir, "pulled")
	pulled, err := exec.Command(skopeo, "copy", "--src-tls-verify=false", "--authfile", authFile,
		"docker://"+image, "dir:"+target).CombinedOutput()
	require.NoError(t, err, "skopeo with the pull secret: %s", pulled)
	_, err = os.Stat(filepath.Join(target, "manifest.json"))
	require.NoError(t, err, "the image was pulled")
	refused, err := exec.Command(skopeo, "copy", "--src-tls-verify=false", "--authfile", empty,
		"docker://"+image, "dir:"+filepath.Join(dir, "refused")).CombinedOutput()
	require.Error(t, err, "skopeo without credentials pulled: %s", refused)
	assert.Contains(t, strings.ToLower(string(refused)), "unauthorized")

	testkit.AssertNoSecret(t, "controller logs", ctl.logs.String(), reg.Password)
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
