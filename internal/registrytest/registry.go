package registrytest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"
)

// Registry is a running docker-registry with one user allowed everything:
// an htpasswd user (Start) or a token-server user (StartTokenAuth).
type Registry struct {
	Addr     string // 127.0.0.1:port
	Username string
	Password string
	// Token is the token server in token-auth mode; nil with htpasswd.
	Token *TokenServer
}

// Start runs docker-registry with htpasswd auth until the test ends.
func Start(t testing.TB) *Registry {
	t.Helper()
	bin := RequireTool(t, "docker-registry", "docker-registry")
	dir := t.TempDir()
	r := &Registry{Addr: freeAddr(t), Username: "regcred-user", Password: "pw-" + rand.Text()}
	hash, err := bcrypt.GenerateFromPassword([]byte(r.Password), bcrypt.MinCost)
	require.NoError(t, err)
	write(t, filepath.Join(dir, "htpasswd"), r.Username+":"+string(hash)+"\n")
	r.serve(t, bin, dir, fmt.Sprintf("{htpasswd: {realm: regcred-test, path: %s}}", filepath.Join(dir, "htpasswd")))
	return r
}

// serve writes the registry's config with the given `auth:` value, runs it
// until the test ends and waits until it answers.
func (r *Registry) serve(t testing.TB, bin, dir, auth string) {
	t.Helper()
	write(t, filepath.Join(dir, "config.yml"), fmt.Sprintf(`version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: %s}, delete: {enabled: true}}
http: {addr: %s}
auth: %s
`, filepath.Join(dir, "data"), r.Addr, auth))
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", filepath.Join(dir, "config.yml"))
	logFile, err := os.Create(filepath.Join(dir, "registry.log"))
	require.NoError(t, err)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		logFile.Close()
	})
	r.waitReady(t, filepath.Join(dir, "registry.log"))
}

// waitReady polls /v2/ until the registry answers 401 (up, auth on).
func (r *Registry) waitReady(t testing.TB, logPath string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + r.Addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusUnauthorized {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	logs, _ := os.ReadFile(logPath)
	require.Failf(t, "docker-registry did not come up", "docker-registry on %s did not come up; its log:\n%s", r.Addr, logs)
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().String()
}

func write(t testing.TB, path, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
}
