package front

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/static/staticread"
)

// aliceAnswer is the engine's answer for alice with secret to server, as
// the client sent it.
func aliceAnswer(server, secret string) string {
	return `{"ServerURL":"` + server + `","Username":"alice","Secret":"` + secret + `"}` + "\n"
}

const (
	pwFileConfig = "registries:\n  - match: reg.example.com\n    static: {username: alice, passwordFile: \"$HOME/secrets/pw\"}\n"
	pwHome       = "registries:\n  - match: reg.example.com\n    static: {username: alice, passwordFile: ~/secrets/pw}\n"
	pullConfig   = "registries:\n  - match: reg.example.com\n    static: {dockerConfig: \"$HOME/pull.json\"}\n"
	pwPath       = "$HOME/secrets/pw"
	pullPath     = "$HOME/pull.json"
	teamImage    = "reg.example.com/team/app:1.0"
)

// pullJSON is a docker config.json holding entries.
func pullJSON(entries ...string) string { return `{"auths":{` + strings.Join(entries, ",") + `}}` }

// authEntry is one "auths" entry of a config.json.
func authEntry(key, user, pass string) string {
	return `"` + key + `":{"auth":"` + testkit.B64(user+":"+pass) + `"}`
}

// staticCases: a static entry whose secret lives in a file, a variable or
// a docker config file is answered by the front, which reads the source
// afresh on every get as the engine would (staticread), and hands off on
// whatever the engine would warn or fail on, or cannot read alone.
func staticCases() []frontCase {
	pw := func(name, config string) frontCase {
		return frontCase{name: name, config: config, files: map[string]string{pwPath: "s3cret\n"}, stdin: "reg.example.com"}
	}
	pull := func(name, stdin, content string) frontCase {
		return frontCase{name: name, config: pullConfig, files: map[string]string{pullPath: content}, stdin: stdin}
	}
	answer := func(fc frontCase, secret string) frontCase {
		fc.handled, fc.stdout = true, aliceAnswer(fc.stdin, secret)
		return fc
	}
	alice := pullJSON(authEntry("reg.example.com", "alice", "s3cret"))
	readable := pw("password file readable by others: the engine warns, no route", pwFileConfig)
	readable.setup = chmodAt(pwPath, 0o644)
	fifo := pw("password file a FIFO: the engine refuses it, no route", pwFileConfig)
	fifo.setup = func(tb testing.TB, fx *fixture) { replaceWith(tb, fx, pwPath, testkit.Mkfifo) }
	cases := []frontCase{
		answer(pw("password file", pwFileConfig), "s3cret"),
		answer(pw("password file under ~/", pwHome), "s3cret"),
		readable, fifo,
		answer(pull("docker config", "reg.example.com", alice), "s3cret"),
		answer(pull("docker config, image reference", teamImage, alice), "s3cret"),
		pull("docker config, a YAML Secret: the engine alone reads YAML", "reg.example.com",
			"kind: Secret\nstringData:\n  .dockerconfigjson: '"+alice+"'\n"),
		pull("docker config naming a credsStore: the engine runs helpers", "reg.example.com",
			`{"credsStore":"regcred-test-absent",`+strings.TrimPrefix(alice, "{")),
	}
	return append(cases, staticChangeCases(pw, pull, answer)...)
}

// staticChangeCases: a source changed after the route was recorded is
// seen at once: a new value is answered, anything the engine would warn
// or fail on is handed off.
func staticChangeCases(pw func(string, string) frontCase, pull func(string, string, string) frontCase, answer func(frontCase, string) frontCase) []frontCase {
	pwChanged := func(name string, c change) frontCase { return since(pw(name, pwFileConfig), c) }
	envChanged := func(name string, c change) frontCase {
		return since(frontCase{name: name, config: staticConfig, stdin: "reg.example.com"}, c)
	}
	pullChanged := func(name, stdin string, c change) frontCase {
		return since(pull(name, stdin, pullJSON(authEntry("reg.example.com", "alice", "s3cret"))), c)
	}
	rewrite := func(path, content string) change {
		return func(tb testing.TB, fx *fixture) { fx.writeFile(tb, expand(fx, path), content, 0) }
	}
	return []frontCase{
		answer(pwChanged("password file rewritten: the new secret", rewrite(pwPath, "n3w-secret\n")), "n3w-secret"),
		pwChanged("password file made readable by others", chmodAt(pwPath, 0o644)),
		pwChanged("password file made writable by group", chmodAt(pwPath, 0o620)),
		pwChanged("password file removed", func(tb testing.TB, fx *fixture) { require.NoError(tb, os.Remove(expand(fx, pwPath))) }),
		pwChanged("password file emptied", rewrite(pwPath, "")),
		pwChanged("password file past the size limit", rewrite(pwPath, strings.Repeat("x", staticread.MaxFile+1))),
		pwChanged("password file replaced by a directory", func(tb testing.TB, fx *fixture) {
			replaceWith(tb, fx, pwPath, func(p string) error { return os.Mkdir(p, 0o700) })
		}),
		pwChanged("password file replaced by a FIFO", func(tb testing.TB, fx *fixture) { replaceWith(tb, fx, pwPath, testkit.Mkfifo) }),
		answer(pwChanged("password file replaced by the user's symlink to a new file", func(tb testing.TB, fx *fixture) {
			other := filepath.Join(fx.home, "secrets", "pw.v2")
			fx.writeFile(tb, other, "v2-secret\n", 0)
			replaceWith(tb, fx, pwPath, func(p string) error { return os.Symlink(other, p) })
		}), "v2-secret"),
		answer(envChanged("password variable changed: the new secret", func(_ testing.TB, fx *fixture) { fx.env["REG_PW"] = "n3w-secret" }), "n3w-secret"),
		envChanged("password variable unset", func(_ testing.TB, fx *fixture) { delete(fx.env, "REG_PW") }),
		envChanged("password variable emptied", func(_ testing.TB, fx *fixture) { fx.env["REG_PW"] = "" }),
		answer(pullChanged("docker config, the entry's password changed", "reg.example.com",
			rewrite(pullPath, pullJSON(authEntry("reg.example.com", "alice", "n3w-secret")))), "n3w-secret"),
		pullChanged("docker config, a key for the image's path added", teamImage,
			rewrite(pullPath, pullJSON(authEntry("reg.example.com", "alice", "s3cret"), authEntry("reg.example.com/team", "alice", "team-secret")))),
		pullChanged("docker config, the entry removed", "reg.example.com", rewrite(pullPath, pullJSON(authEntry("other.example.com", "alice", "s3cret")))),
		pullChanged("docker config, a credHelper named for the registry", "reg.example.com",
			rewrite(pullPath, `{"credHelpers":{"reg.example.com":"regcred-test-absent"},`+strings.TrimPrefix(pullJSON(authEntry("reg.example.com", "alice", "s3cret")), "{"))),
		pullChanged("docker config, now a YAML Secret", "reg.example.com",
			rewrite(pullPath, "kind: Secret\nstringData:\n  .dockerconfigjson: '"+pullJSON(authEntry("reg.example.com", "alice", "s3cret"))+"'\n")),
		pullChanged("docker config made readable by others", "reg.example.com", chmodAt(pullPath, 0o644)),
	}
}

func expand(fx *fixture, path string) string { return strings.ReplaceAll(path, "$HOME", fx.home) }

func chmodAt(path string, mode os.FileMode) change {
	return func(tb testing.TB, fx *fixture) { require.NoError(tb, os.Chmod(expand(fx, path), mode)) }
}

// replaceWith removes path and makes something else there.
func replaceWith(tb testing.TB, fx *fixture, path string, make func(string) error) {
	p := expand(fx, path)
	require.NoError(tb, os.Remove(p))
	require.NoError(tb, make(p))
}
