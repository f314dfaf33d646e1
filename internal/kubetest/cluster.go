package kubetest

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"k8s.io/client-go/rest"
)

// AdminToken is the bearer token of the system:masters user the harness
// configures; ControllerToken authenticates as the ServiceAccount
// regcred-system/regcred-controller, with no rights but what RBAC binds;
// LimitedToken as regcred-system/regcred-limited, bound to nothing, for
// tests of what a missing permission does.
const (
	AdminToken      = "kubetest-admin-token"
	ControllerToken = "kubetest-controller-token"
	LimitedToken    = "kubetest-limited-token"
)

// LimitedAccount is the ServiceAccount LimitedToken authenticates as.
const LimitedAccount = "regcred-limited"

// Cluster is a running etcd and kube-apiserver.
type Cluster struct {
	URL        string
	etcd, kube *process
}

// process is one of the cluster's, with what it takes to start it again.
type process struct {
	log, bin string
	args     []string
	cmd      *exec.Cmd
}

// binDir is bin/kube under the module root.
func binDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "bin", "kube")
}

// Bin is the path of a program `make kube-bins` builds into bin/kube
// (etcd, kube-apiserver, keyring-lookup). Without it the test is skipped on
// a developer's machine and fails in CI (CI=true).
func Bin(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(binDir(), name)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			require.NoError(t, err, "%s not built (make kube-bins)", name)
		}
		t.Skipf("%s not built (make kube-bins)", name)
	}
	return p
}

// Start runs etcd and kube-apiserver for the test and stops them (SIGKILL)
// when it ends.
func Start(t testing.TB) *Cluster {
	t.Helper()
	bins := binDir()
	Bin(t, "etcd")
	Bin(t, "kube-apiserver")
	dir := t.TempDir()
	etcdPort, peerPort, kubePort := freePort(t), freePort(t), freePort(t)
	etcdURL := "http://127.0.0.1:" + strconv.Itoa(etcdPort)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	c := &Cluster{URL: "https://127.0.0.1:" + strconv.Itoa(kubePort)}
	c.etcd = &process{log: filepath.Join(dir, "etcd.log"), bin: filepath.Join(bins, "etcd"), args: []string{
		"--name=kubetest", "--data-dir=" + filepath.Join(dir, "etcd"),
		"--listen-client-urls=" + etcdURL, "--advertise-client-urls=" + etcdURL,
		"--listen-peer-urls=" + peerURL, "--initial-advertise-peer-urls=" + peerURL,
		"--initial-cluster=kubetest=" + peerURL, "--log-level=error"}}
	key := filepath.Join(dir, "sa.key")
	writeKey(t, key)
	tokens := filepath.Join(dir, "tokens.csv")
	require.NoError(t, os.WriteFile(tokens, []byte(AdminToken+`,kubetest-admin,1,"system:masters"`+"\n"+
		ControllerToken+`,system:serviceaccount:regcred-system:regcred-controller,2,"system:serviceaccounts,system:serviceaccounts:regcred-system"`+"\n"+
		LimitedToken+`,system:serviceaccount:regcred-system:`+LimitedAccount+`,3,"system:serviceaccounts,system:serviceaccounts:regcred-system"`+"\n"), 0o600))
	c.kube = &process{log: filepath.Join(dir, "apiserver.log"), bin: filepath.Join(bins, "kube-apiserver"), args: []string{
		"--etcd-servers=" + etcdURL, "--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(kubePort), "--cert-dir=" + filepath.Join(dir, "certs"),
		"--token-auth-file=" + tokens, "--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc", "--service-account-key-file=" + key,
		"--service-account-signing-key-file=" + key, "--service-cluster-ip-range=10.0.0.0/24",
		"--endpoint-reconciler-type=none", "--enable-priority-and-fairness=false"}}
	c.etcd.start(t)
	c.kube.start(t)
	t.Cleanup(c.stop)
	c.waitReady(t)
	return c
}

// Restart kills kube-apiserver and etcd (SIGKILL, as a crash would) and
// starts them again on the same ports and the same etcd data directory, so
// every object survives; it returns once the apiserver is ready.
func (c *Cluster) Restart(t testing.TB) {
	t.Helper()
	c.stop()
	c.etcd.start(t)
	c.kube.start(t)
	c.waitReady(t)
}

func (c *Cluster) stop() {
	for _, p := range []*process{c.kube, c.etcd} {
		if p.cmd != nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
			p.cmd = nil
		}
	}
}

// start runs p, appending to its log (a restart keeps the earlier output).
func (p *process) start(t testing.TB) {
	t.Helper()
	logf, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	require.NoError(t, err)
	defer logf.Close() // the child has its own descriptor
	cmd := exec.Command(p.bin, p.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	require.NoError(t, cmd.Start(), "starting %s", p.bin)
	p.cmd = cmd
}

func (c *Cluster) waitReady(t testing.TB) {
	t.Helper()
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, c.URL+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+AdminToken)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	out, _ := os.ReadFile(c.kube.log)
	require.Failf(t, "kube-apiserver not ready in 90s", "its log ends:\n%s", tail(out, 3000))
}

// Admin is a client config as system:masters.
func (c *Cluster) Admin() *rest.Config { return c.Token(AdminToken) }

// Token is a client config with a bearer token.
func (c *Cluster) Token(token string) *rest.Config {
	return &rest.Config{Host: c.URL, BearerToken: token, TLSClientConfig: rest.TLSClientConfig{Insecure: true}}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func writeKey(t testing.TB, path string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	require.NoError(t, os.WriteFile(path, pemBytes, 0o600))
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return fmt.Sprint(string(b))
}
