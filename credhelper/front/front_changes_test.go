package front

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// change is what a case does to its fixture once the route is recorded.
type change = func(testing.TB, *fixture)

// since is fc with change applied after the prior get, which recorded a
// route; the front then answers as handled says.
func since(fc frontCase, c change) frontCase {
	fc.after, fc.routed = c, true
	return fc
}

// configCases: a config the engine warns about, or cannot read, records
// no route; one it reads cleanly does.
func configCases() []frontCase {
	inline := "registries:\n  - match: reg.example.com\n    static: {username: alice, password: inline-pw}\n"
	readable := answered(tokenCase("config readable by others, no inline secret"))
	readable.perm = 0o644
	missing := tokenCase("REGCRED_CONFIG names a missing file")
	missing.env = map[string]string{"REGCRED_CONFIG": "/nonexistent/regcred.yaml"}
	writable := func(name string, perm os.FileMode) frontCase {
		fc := tokenCase(name)
		fc.perm = perm
		return fc
	}
	nf := func(name, yaml string, perm os.FileMode) frontCase {
		return frontCase{name: name, config: yaml, perm: perm, stdin: "quay.io"}
	}
	return []frontCase{
		readable, missing,
		writable("config writable by group", 0o660),
		writable("config writable by others", 0o602),
		nf("config writable by group, unconfigured host: the engine warns", staticConfig, 0o660),
		nf("inline password in a config readable by group, unconfigured host: the engine warns", inline, 0o640),
		nf("broken YAML", "registries: [\n", 0),
		nf("unknown key", "registries:\n  - match: reg.example.com\n    statik: {username: a, password: b}\n", 0),
		nf("entry with two kinds", "registries:\n  - match: reg.example.com\n    anonymous: {}\n    static: {username: a, passwordEnv: REG_PW}\n", 0),
	}
}

// loginCases: a `docker login` for the registry is the engine's to weigh,
// whenever it was stored.
func loginCases() []frontCase {
	before := routedHandoff(tokenCase("docker login for the registry stored before the route"))
	before.login = ecrHost
	otherBefore := answered(tokenCase("docker login for another registry stored before the route"))
	otherBefore.login = "other.example.com"
	unconfigured := frontCase{name: "docker login for an unconfigured host: it answers, no route", config: ecrConfig("file"),
		stdin: "quay.io", login: "quay.io"}
	notFoundRoute := frontCase{name: "docker login for an unconfigured host stored since its not-found route",
		config: ecrConfig("file"), stdin: "quay.io"}
	return []frontCase{
		before, otherBefore, unconfigured,
		since(tokenCase("docker login for the registry stored since the route"), storeLogin(ecrHost)),
		since(notFoundRoute, storeLogin("quay.io")),
		answered(since(tokenCase("docker login for another registry stored since the route"), storeLogin("other.example.com"))),
	}
}

// changeCases: whatever the route's key covers (the config files, the
// environment, the engine) changed since the route: the key is another
// one, so the front has no route.
func changeCases() []frontCase {
	nf := frontCase{name: "", stdin: "quay.io"}
	named := func(fc frontCase, name string) frontCase {
		fc.name = name
		return fc
	}
	return []frontCase{
		since(tokenCase("config edited since the route"), appendTo(configFile, "# edited\n")),
		since(tokenCase("config chmodded since the route"), chmod(configFile, 0o640)),
		since(tokenCase("config replaced by an identical copy since the route (another inode)"), replaceKeepingTimes(configFile)),
		since(tokenCase("config touched since the route"), touch(configFile)),
		since(tokenCase("REGCRED_CONFIG names a copy since the route"), func(tb testing.TB, fx *fixture) {
			data, err := os.ReadFile(fx.env["REGCRED_CONFIG"])
			require.NoError(tb, err)
			copyPath := filepath.Join(fx.home, "copy.yaml")
			fx.writeFile(tb, copyPath, string(data), 0)
			fx.env["REGCRED_CONFIG"] = copyPath
		}),
		since(named(nf, "no config: one created since the not-found route"), func(tb testing.TB, fx *fixture) {
			fx.writeFile(tb, filepath.Join(fx.home, ".config", "regcred", "config.yaml"), staticConfig, 0)
		}),
		since(named(nf, "no config: XDG_CONFIG_HOME set since the not-found route"), setEnv("XDG_CONFIG_HOME", "$HOME/xdg")),
		since(tokenCase("AWS_PROFILE changed since the route"), setEnv("AWS_PROFILE", "prod")),
		since(tokenCase("AWS_PROFILE unset since the route"), unsetEnv("AWS_PROFILE")),
		since(tokenCase("AWS_REGION set since the route (no entry reads it, a backend might)"), setEnv("AWS_REGION", "eu-west-1")),
		since(tokenCase("REGCRED_CACHE=none set since the route"), setEnv("REGCRED_CACHE", "none")),
		since(tokenCase("XDG_CACHE_HOME set since the route: the routes are elsewhere"), setEnv("XDG_CACHE_HOME", "$HOME/xdg-cache")),
		since(tokenCase("DBUS_SESSION_BUS_ADDRESS set since the route"), setEnv("DBUS_SESSION_BUS_ADDRESS", deadBus)),
		answered(since(tokenCase("a variable no backend reads set since the route"), setEnv("EDITOR", "vi"))),
		since(tokenCase("engine replaced by an identical copy since the route (another inode)"), replaceKeepingTimes(engineFile)),
		since(tokenCase("engine upgraded in place since the route"), appendTo(engineFile, "exit 1\n")),
		since(tokenCase("engine removed since the route"), func(tb testing.TB, fx *fixture) {
			require.NoError(tb, os.Remove(fx.engineExe))
		}),
		answered(since(tokenCase("engine chmodded since the route: its mode is no part of its identity"), chmod(engineFile, 0o700))),
	}
}

// identityCases: what the route points at (the token record, the identity
// files its key hashed) and the route record itself are checked on every
// answer.
func identityCases() []frontCase {
	const vaultConfig = "cache: {store: file, dir: \"$HOME/cache\"}\nregistries:\n  - match: reg.example.com\n" +
		"    vault: {address: \"http://127.0.0.1:8200\", path: secret/registry, auth: {tokenFile: \"$HOME/vault-token\"}}\n"
	vault := func(name string) frontCase {
		tok := fresh()
		tok.host, tok.user, tok.secret = "reg.example.com", "robot", "vault-pw"
		return frontCase{name: name, config: vaultConfig, files: map[string]string{"$HOME/vault-token": "hvs.first"}, token: tok,
			stdin: "reg.example.com", handled: true, stdout: `{"ServerURL":"reg.example.com","Username":"robot","Secret":"vault-pw"}` + "\n"}
	}
	handoff := func(fc frontCase) frontCase {
		fc.handled, fc.stdout = false, ""
		return fc
	}
	vaultToken := func(_ testing.TB, fx *fixture) string { return filepath.Join(fx.home, "vault-token") }
	return []frontCase{
		vault("vault token file unchanged since the route"),
		handoff(since(vault("vault token file rewritten with another token since the route"), writeFile(vaultToken, "hvs.second"))),
		since(vault("vault token file rewritten with the same token since the route"), writeFile(vaultToken, "hvs.first")),
		handoff(since(vault("vault token file removed since the route"), remove(vaultToken))),
		since(tokenCase("token record removed since the route"), remove(tokenFile)),
		since(tokenCase("token record corrupted since the route"), writeFile(tokenFile, "{not json")),
		since(tokenCase("route record corrupted"), writeFile(routeFile, "regcred-route 1\nnotFound true\n")),
		since(tokenCase("route record of another version"), writeFile(routeFile, "regcred-route 99\nnotFound \"true\"\n")),
		since(tokenCase("route record writable by group"), chmod(routeFile, 0o660)),
		since(tokenCase("route record replaced by a symlink"), func(tb testing.TB, fx *fixture) {
			p := routeFile(tb, fx)
			require.NoError(tb, os.Rename(p, p+".real"))
			require.NoError(tb, os.Symlink(p+".real", p))
		}),
	}
}

// TestFrontRouteOfAnotherConfig: a get run with --config answered from
// another config than a plain get reads; its answer must not become the
// plain get's. (The route key has the config lookup's files, which the
// flag overrides.)
func TestFrontRouteOfAnotherConfig(t *testing.T) {
	isolateAWSSDK(t)
	fx := newFixture(t, ecrConfig("file"), 0)
	fx.prime(t, ecrHost, providers.Credential{Username: "AWS", Secret: "tok"}, time.Now(), 12*time.Hour)
	other := filepath.Join(fx.home, "other.yaml")
	fx.writeFile(t, other, "registries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    anonymous: {}\n", 0)
	out, errOut, code := fx.engine(t, ecrHost, "--config", other, "get")
	require.Equal(t, 1, code, "get with --config %s, want not found (stderr %q)", other, errOut)
	require.Equal(t, notFound, out, "get with --config %s, want not found (stderr %q)", other, errOut)
	f, stdout := fx.front(strings.NewReader(ecrHost), "linux")
	ans := f.Run(context.Background(), []string{"get"})
	engOut, _, engCode := fx.engine(t, ecrHost, "get")
	require.Equal(t, 0, engCode, "the plain get, want the cached token")
	require.Equal(t, tokenAnswer, engOut, "the plain get, want the cached token")
	if ans.Handled {
		const msg = "the front answered a plain get from the --config run's route, not as the engine does"
		assert.Equal(t, engOut, stdout.String(), msg)
		assert.Equal(t, engCode, ans.Code, msg)
	}
}

// onlyFile is the one file of files.
func onlyFile(tb testing.TB, files []string) string {
	tb.Helper()
	require.Len(tb, files, 1, "want exactly one file")
	return files[0]
}

// path names a file of the fixture.
type path = func(testing.TB, *fixture) string

func configFile(_ testing.TB, fx *fixture) string { return fx.env["REGCRED_CONFIG"] }
func engineFile(_ testing.TB, fx *fixture) string { return fx.engineExe }

// routeFile is the one route recorded.
func routeFile(tb testing.TB, fx *fixture) string { return onlyFile(tb, fx.routeFiles(tb)) }

// tokenFile is the one record of the file cache.
func tokenFile(tb testing.TB, fx *fixture) string { return onlyFile(tb, fx.tokenFiles(tb)) }

func setEnv(k, v string) change {
	return func(_ testing.TB, fx *fixture) { fx.env[k] = strings.ReplaceAll(v, "$HOME", fx.home) }
}

func unsetEnv(k string) change {
	return func(_ testing.TB, fx *fixture) { delete(fx.env, k) }
}

func storeLogin(registry string) change {
	return func(tb testing.TB, fx *fixture) { fx.storeLogin(tb, registry, "bob", "login-secret") }
}

func writeFile(file path, content string) change {
	return func(tb testing.TB, fx *fixture) {
		p := file(tb, fx)
		fi, err := os.Stat(p)
		require.NoError(tb, err)
		fx.writeFile(tb, p, content, fi.Mode().Perm())
	}
}

func appendTo(file path, text string) change {
	return func(tb testing.TB, fx *fixture) {
		f, err := os.OpenFile(file(tb, fx), os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, err = f.WriteString(text)
			err = errors.Join(err, f.Close())
		}
		require.NoError(tb, err)
	}
}

func chmod(file path, mode os.FileMode) change {
	return func(tb testing.TB, fx *fixture) {
		require.NoError(tb, os.Chmod(file(tb, fx), mode))
	}
}

func remove(file path) change {
	return func(tb testing.TB, fx *fixture) {
		require.NoError(tb, os.Remove(file(tb, fx)))
	}
}

// touch moves the file's modification time a second on.
func touch(file path) change {
	return func(tb testing.TB, fx *fixture) {
		p := file(tb, fx)
		fi, err := os.Stat(p)
		if err == nil {
			err = os.Chtimes(p, time.Time{}, fi.ModTime().Add(time.Second))
		}
		require.NoError(tb, err)
	}
}

// replaceKeepingTimes puts a copy of the file in its place: same content,
// size, mode and modification time, another inode.
func replaceKeepingTimes(file path) change {
	return func(tb testing.TB, fx *fixture) {
		p := file(tb, fx)
		fi, err := os.Stat(p)
		require.NoError(tb, err)
		data, err := os.ReadFile(p)
		require.NoError(tb, err)
		tmp := p + ".new"
		fx.writeFile(tb, tmp, string(data), fi.Mode().Perm())
		require.NoError(tb, os.Chtimes(tmp, time.Time{}, fi.ModTime()))
		require.NoError(tb, os.Rename(tmp, p))
		after, err := os.Stat(p)
		const msg = "the copy of %s is not another file of the same size and time"
		require.NoError(tb, err, msg, p)
		require.False(tb, os.SameFile(fi, after), msg, p)
		require.True(tb, after.ModTime().Equal(fi.ModTime()), msg, p)
		require.Equal(tb, fi.Size(), after.Size(), msg, p)
	}
}
