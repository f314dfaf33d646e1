package kubelet

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	credentialproviderapi "k8s.io/kubelet/pkg/apis/credentialprovider"
	"k8s.io/kubelet/pkg/apis/credentialprovider/install"
)

// kubeletCodecs are the codecs the plugin package builds for itself: the
// credential-provider types, strict decoding.
func kubeletCodecs() serializer.CodecFactory {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return serializer.NewCodecFactory(scheme, serializer.EnableStrict)
}

// Each answer regcred writes is, byte for byte, what the kubelet's own
// encoder writes for the object its strict decoder reads from it, for the
// requests the kubelet's own encoder writes.
func TestResponseBytesAreTheKubeletsEncoding(t *testing.T) {
	dir := t.TempDir()
	bin := buildRegcred(t, dir)
	cfg := filepath.Join(dir, "regcred.yaml")
	testkit.WriteFile(t, cfg, `defaults: false
cache: {store: none}
registries:
  - match: reg.test/team
    static: {username: team, password: "team pw with spaces"}
  - match: "*.test"
    static: {username: glob, password: "glob-pw"}
`)
	codecs := kubeletCodecs()
	info, ok := runtime.SerializerInfoForMediaType(codecs.SupportedMediaTypes(), "application/json")
	require.True(t, ok, "no JSON serializer")
	for _, version := range []string{"v1", "v1beta1", "v1alpha1"} {
		gv := schema.GroupVersion{Group: credentialproviderapi.GroupName, Version: version}
		for _, req := range []credentialproviderapi.CredentialProviderRequest{
			{Image: "reg.test/team/app"},
			{Image: "other.test/app"},
			{Image: "quay.io/nothing"},
			// Only v1 carries these; the kubelet's encoder drops them for
			// the older versions, which regcred would otherwise refuse.
			{Image: "other.test/sa", ServiceAccountToken: "header.payload.sig", ServiceAccountAnnotations: map[string]string{"example.com/role": "r"}},
		} {
			t.Run(version+" "+req.Image, func(t *testing.T) {
				stdin, err := runtime.Encode(codecs.EncoderForVersion(info.Serializer, gv), &req)
				require.NoError(t, err)
				got := runHelper(t, bin, cfg, stdin)
				obj, gvk, err := codecs.UniversalDecoder().Decode(got, nil, nil)
				require.NoError(t, err, "the kubelet's strict decoder refuses %s", got)
				require.Equal(t, gv, gvk.GroupVersion(), "answered %v", gvk)
				require.Equal(t, "CredentialProviderResponse", gvk.Kind, "answered %v", gvk)
				want, err := runtime.Encode(codecs.EncoderForVersion(info.Serializer, gv), obj)
				require.NoError(t, err)
				assert.Equal(t, want, got, "regcred wrote\n%s\nthe kubelet's encoder writes\n%s", got, want)
			})
		}
	}
}

func runHelper(t *testing.T, bin, cfg string, stdin []byte) []byte {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), bin, "kubelet")
	cmd.Env = append(os.Environ(), "REGCRED_CONFIG="+cfg)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	require.NoError(t, err, "%s: %v\n%s", fmt.Sprint(cmd.Args), err, stderr.String())
	return stdout.Bytes()
}
