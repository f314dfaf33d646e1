package kubelet

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The front without the engine in the plugin directory (a copy, not a link
// into a directory that has the engine; the fetcher beside it, which cannot
// stand in for the engine) cannot answer the kubelet: the kubelet
// logs the front's message naming the missing engine. With the engine
// copied next to it, the same provider answers.
func TestKubeletLogsMissingBackend(t *testing.T) {
	const name = "regcred-lonely"
	dir := t.TempDir()
	built, binDir := filepath.Join(dir, "built"), filepath.Join(dir, "plugins")
	for _, d := range []string{built, binDir} {
		require.NoError(t, os.Mkdir(d, 0o700))
	}
	front := buildRegcred(t, built)
	testkit.CopyFile(t, front, filepath.Join(binDir, name), 0o700)
	testkit.CopyFile(t, filepath.Join(built, fetcherName), filepath.Join(binDir, fetcherName), 0o700)
	w := &kubeletWorld{secrets: secrets{t: t, dir: dir}, configPath: filepath.Join(dir, "regcred.yaml")}
	w.secrets.set("lonely", "lonely-1")
	testkit.WriteFile(t, w.configPath, fmt.Sprintf("defaults: false\ncache: {store: none}\nregistries:\n  - match: reg.lonely.test\n    static: {username: lonely, passwordFile: %s}\n", w.secrets.path("lonely")))
	providerCfg := filepath.Join(dir, "credential-provider.yaml")
	testkit.WriteFile(t, providerCfg, credentialProviderConfig(w.configPath,
		providerConfig{name: name, apiVersion: "credentialprovider.kubelet.k8s.io/v1", matchImages: []string{"*.lonely.test"}}))
	w.logs = captureKlog(t)
	register(t, providerCfg, binDir, w)

	const image = "reg.lonely.test/app"
	expect(t, image+" without the engine", lookup(image))
	realBinDir, err := filepath.EvalSymlinks(binDir)
	require.NoError(t, err)
	logs := w.logs.take()
	for _, want := range []string{"the engine executable " + filepath.Join(realBinDir, engineName) + " is missing", "install it next to " + name} {
		assert.Contains(t, logs, want, "kubelet log lacks %q", want)
	}

	testkit.CopyFile(t, filepath.Join(built, engineName), filepath.Join(binDir, engineName), 0o700)
	expect(t, image+" with the engine", lookup(image), "lonely:lonely-1")
}
