package kubelet

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	kubeletconfig "k8s.io/kubernetes/pkg/kubelet/apis/config"
	kubeletconfigv1 "k8s.io/kubernetes/pkg/kubelet/apis/config/v1"
	kubeletconfigv1alpha1 "k8s.io/kubernetes/pkg/kubelet/apis/config/v1alpha1"
	kubeletconfigv1beta1 "k8s.io/kubernetes/pkg/kubelet/apis/config/v1beta1"
)

var yamlBlock = regexp.MustCompile("(?s)```ya?ml\n(.*?)```")

// TestDocsKubeletSnippetsDecode: every CredentialProviderConfig in
// README.md and docs/ decodes with the kubelet's own scheme, strictly, as
// the kubelet's plugin code reads its --image-credential-provider-config,
// and names providers the kubelet would accept.
func TestDocsKubeletSnippetsDecode(t *testing.T) {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{kubeletconfig.AddToScheme, kubeletconfigv1.AddToScheme, kubeletconfigv1beta1.AddToScheme, kubeletconfigv1alpha1.AddToScheme} {
		require.NoError(t, add(scheme))
	}
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDecoder()
	files, _ := filepath.Glob("../../docs/*.md")
	files = append(files, "../../README.md")
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range yamlBlock.FindAllSubmatchIndex(data, -1) {
			block := data[m[2]:m[3]]
			if !strings.Contains(string(block), "kind: CredentialProviderConfig") {
				continue
			}
			name := filepath.Base(f) + ":" + strconv.Itoa(1+strings.Count(string(data[:m[2]]), "\n"))
			obj, _, err := decoder.Decode(block, nil, nil)
			if !assert.NoError(t, err, "%s: the kubelet would not read it", name) {
				continue
			}
			cfg, ok := obj.(*kubeletconfig.CredentialProviderConfig)
			if !assert.True(t, ok, "%s: decoded to %T", name, obj) || !assert.NotEmpty(t, cfg.Providers, "%s: no providers", name) {
				continue
			}
			for _, p := range cfg.Providers {
				assert.NotEqual(t, "", p.Name, "%s: provider %+v is not one the kubelet accepts", name, p)
				assert.NotContains(t, p.Name, "/", "%s: provider %+v is not one the kubelet accepts", name, p)
				assert.NotEmpty(t, p.MatchImages, "%s: provider %+v is not one the kubelet accepts", name, p)
				assert.NotEqual(t, "", p.APIVersion, "%s: provider %+v is not one the kubelet accepts", name, p)
			}
			checked++
		}
	}
	require.NotEqual(t, 0, checked, "no CredentialProviderConfig found in the docs; the test proves nothing")
}
