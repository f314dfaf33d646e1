package front

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// Review tests: a route records the engine's answer under a key computed
// when the route is written, after the answer, from the config file and
// identity files as they are then. What changed while the engine was
// fetching (a network round trip: seconds) is then credited to the old
// answer, and the front serves it although the engine no longer would.

const fetchHost = "reg.example.com"

// tokenVault is a fake Vault whose KV v2 secret secret/reg only the token
// "tok-alice" may read; "tok-bob" may read nothing.
func tokenVault(t *testing.T) *vaulttest.Server {
	t.Helper()
	v := vaulttest.New(t)
	root := v.Root()
	root.MountKV("secret", 2)
	root.PutKV("secret", "reg", map[string]any{"username": "alice", "password": "alice-pw"})
	root.Policy("reader", "secret/data/reg")
	root.Token("tok-alice", 0, "reader")
	root.Token("tok-bob", 0)
	return v
}

func tokenVaultConfig(addr string) string {
	return "cache: {store: file, dir: \"$HOME/cache\"}\nregistries:\n" +
		"  - match: " + fetchHost + "\n    vault: {address: \"" + addr + "\", path: secret/reg, kvVersion: \"2\"}\n"
}

// duringRead runs hook once, when the engine's request for the secret is
// on its way to Vault (its token header already set), then sends it on.
type duringRead struct {
	once sync.Once
	hook func()
}

func (d *duringRead) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/v1/secret/data/reg") {
		d.once.Do(d.hook)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// engineWith runs the engine in-process as fx.engineExe does, but with rt as
// its network (loopback only: the fake Vault).
func (fx *fixture) engineWith(tb testing.TB, rt http.RoundTripper, stdin string) (stdout string, code int) {
	tb.Helper()
	stdout, _, code = fx.runEngine(rt, stdin, "get")
	return stdout, code
}

// compareFrontToEngine: whenever the front answers, it must print what the
// engine prints for the same request now.
func compareFrontToEngine(t *testing.T, fx *fixture, rt http.RoundTripper) {
	t.Helper()
	f, out := fx.front(strings.NewReader(fetchHost), "linux")
	ans := f.Run(context.Background(), []string{"get"})
	engineOut, engineCode := fx.engineWith(t, rt, fetchHost)
	if ans.Handled {
		// Compared whole, reported redacted.
		assert.True(t, out.String() == engineOut && ans.Code == engineCode, "the front answered %q (exit %d); the engine now answers %q (exit %d)",
			redactReview(out.String()), ans.Code, redactReview(engineOut), engineCode)
	}
}

// redactReview keeps the test's own failure text free of the secret while
// still telling which identity's answer was printed.
func redactReview(s string) string {
	return strings.ReplaceAll(s, "alice-pw", "<alice's secret>")
}

// TestVaultLoginDuringFetchRecordsNoRoute: `vault login` as bob rewrites
// ~/.vault-token while the engine, still logged in as alice, is fetching.
// The route gets alice's token key but the sum of bob's token file, so the
// front serves alice's secret to bob, whom Vault refuses it.
func TestVaultLoginDuringFetchRecordsNoRoute(t *testing.T) {
	v := tokenVault(t)
	fx := newFixture(t, tokenVaultConfig(v.URL), 0)
	tokenFile := filepath.Join(fx.home, ".vault-token")
	fx.writeFile(t, tokenFile, "tok-alice", 0)
	rt := &duringRead{hook: func() { fx.writeFile(t, tokenFile, "tok-bob", 0) }}

	out, code := fx.engineWith(t, rt, fetchHost)
	require.True(t, code == 0 && strings.Contains(out, "alice"), "first get: exit %d %q", code, redactReview(out))
	require.NotEmpty(t, fx.routeFiles(t), "the engine recorded no route; the test proves nothing")
	compareFrontToEngine(t, fx, rt)
}

// TestConfigReplacedDuringFetchRecordsNoRoute: the config is replaced (an editor's
// save, a ConfigMap update) while the engine is fetching with the old one.
// The route is keyed by the new config's identity but holds the old
// config's answer: the front serves the secret of an entry that no longer
// exists.
func TestConfigReplacedDuringFetchRecordsNoRoute(t *testing.T) {
	v := tokenVault(t)
	fx := newFixture(t, tokenVaultConfig(v.URL), 0)
	fx.writeFile(t, filepath.Join(fx.home, ".vault-token"), "tok-alice", 0)
	cfgPath := fx.env["REGCRED_CONFIG"]
	rt := &duringRead{hook: func() {
		next := cfgPath + ".new"
		fx.writeFile(t, next, "cache: {store: file, dir: \"$HOME/cache\"}\nregistries: []\n", 0)
		assert.NoError(t, os.Rename(next, cfgPath))
	}}

	out, code := fx.engineWith(t, rt, fetchHost)
	require.True(t, code == 0 && strings.Contains(out, "alice"), "first get: exit %d %q", code, redactReview(out))
	assert.Empty(t, fx.routeFiles(t), "the engine recorded route(s) although the config changed while it ran")
	compareFrontToEngine(t, fx, rt)

	// Control: the same run without the change records a route, so the
	// check above can fail.
	control := newFixture(t, tokenVaultConfig(v.URL), 0)
	control.writeFile(t, filepath.Join(control.home, ".vault-token"), "tok-alice", 0)
	_, code = control.engineWith(t, http.DefaultTransport, fetchHost)
	require.Equal(t, 0, code, "control: exit code")
	require.NotEmpty(t, control.routeFiles(t), "control: no route recorded")
}

// TestConfigRewrittenInPlaceKeepingItsTime: `cp -p other.yaml
// config.yaml` rewrites the config in place (same inode) and sets its
// modification time to other.yaml's; config profiles unpacked from one
// tar archive (whole-second times) commonly share it, and same-length
// edits keep the size. The same happens without -p on file systems whose
// timestamps are coarser than the time between two writes. Device,
// inode, size, time and mode are then all unchanged, so the key is, and
// the front serves the token of an entry the new config no longer has.
// (The inode's change time, which no tool can set back, would tell.)
func TestConfigRewrittenInPlaceKeepingItsTime(t *testing.T) {
	isolateAWSSDK(t)
	v := tokenVault(t)
	fx := newFixture(t, tokenVaultConfig(v.URL), 0)
	fx.writeFile(t, filepath.Join(fx.home, ".vault-token"), "tok-alice", 0)
	cfgPath := fx.env["REGCRED_CONFIG"]
	fi, err := os.Stat(cfgPath)
	require.NoError(t, err)
	out, code := fx.engineWith(t, http.DefaultTransport, fetchHost)
	require.True(t, code == 0 && strings.Contains(out, "alice"), "first get: exit %d %q", code, redactReview(out))
	require.NotEmpty(t, fx.routeFiles(t), "the engine recorded no route; the test proves nothing")

	// Same length, another host: reg.example.com no longer matches.
	old, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	edited := strings.Replace(string(old), "match: "+fetchHost, "match: reg.example.org", 1)
	require.Len(t, edited, len(old), "the edit must keep the size")
	require.NotEqual(t, string(old), edited, "the edit must change the content")
	f, err := os.OpenFile(cfgPath, os.O_WRONLY|os.O_TRUNC, 0) // in place, as cp does
	require.NoError(t, err)
	_, err = f.WriteString(edited)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	require.NoError(t, os.Chtimes(cfgPath, fi.ModTime(), fi.ModTime())) // as cp -p does
	compareFrontToEngine(t, fx, http.DefaultTransport)
}
