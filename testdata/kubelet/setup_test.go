package kubelet

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/stretchr/testify/require"
	"k8s.io/klog/v2"
)

// binaryName is the regcred executable's file name; a kubelet provider's
// name must equal it. It runs engineName from its own directory (the
// kubelet's plugin directory) for every kubelet request it cannot answer
// alone, and fetcherName from there to renew a token it can fetch again.
const (
	binaryName  = "docker-credential-regcred"
	engineName  = "regcred-engine"
	fetcherName = "regcred-fetch"
)

// buildRegcred builds the three executables from the main module (two
// directories up, a module of its own) into dir, side by side as they are
// installed, and returns the front's path.
func buildRegcred(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), "go", "build", "-C", "../..", "-o", dir+string(filepath.Separator),
		"./cmd/"+binaryName, "./cmd/"+engineName, "./cmd/"+fetcherName)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "building regcred: %v\n%s", err, out)
	for _, name := range []string{binaryName, engineName, fetcherName} {
		_, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, "go build wrote no %s", name)
	}
	return filepath.Join(dir, binaryName)
}

// alias gives the binary another file name, for a second provider entry:
// the kubelet runs <pluginBinDir>/<name>.
func alias(t *testing.T, bin, name string) {
	t.Helper()
	require.NoError(t, os.Symlink(bin, filepath.Join(filepath.Dir(bin), name)))
}

// secrets are the password files the regcred config reads. Changing one
// between two lookups shows whether the kubelet ran the plugin again (new
// value) or answered from its cache (old value).
type secrets struct {
	t   *testing.T
	dir string
}

func (s secrets) path(name string) string { return filepath.Join(s.dir, name) }

func (s secrets) set(name, value string) { testkit.WriteFile(s.t, s.path(name), value) }

// klogBuffer collects what the kubelet code logs; the kubelet reports a
// failing plugin (with the plugin's stderr) only there.
type klogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *klogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// take returns what was logged since the last take.
func (b *klogBuffer) take() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	b.buf.Reset()
	return s
}

// captureKlog routes klog (a process-wide logger of the kubelet's code) to
// a buffer for the rest of the test binary's life.
func captureKlog(t *testing.T) *klogBuffer {
	t.Helper()
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	for k, v := range map[string]string{"logtostderr": "false", "alsologtostderr": "false", "stderrthreshold": "FATAL"} {
		require.NoError(t, fs.Set(k, v))
	}
	b := &klogBuffer{}
	klog.SetOutput(b)
	return b
}

// providerConfig renders one provider of a CredentialProviderConfig.
type providerConfig struct {
	name, apiVersion string
	matchImages      []string
	extra            string // more YAML lines, indented by 4
}

func credentialProviderConfig(regcredConfig string, providers ...providerConfig) string {
	var b strings.Builder
	b.WriteString("apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n")
	for _, p := range providers {
		fmt.Fprintf(&b, "  - name: %s\n    apiVersion: %s\n    matchImages:\n", p.name, p.apiVersion)
		for _, m := range p.matchImages {
			fmt.Fprintf(&b, "      - %q\n", m)
		}
		fmt.Fprintf(&b, `    defaultCacheDuration: "1h"
    args: [kubelet]
    env:
      - {name: REGCRED_CONFIG, value: %q}
      - {name: REGCRED_LOG, value: debug}
`, regcredConfig)
		b.WriteString(p.extra)
	}
	return b.String()
}
