package front

import (
	"strings"
	"time"

	"github.com/regcred/regcred/credhelper/dockerproto"
)

// tokenCase is a get of ecrHost, whose ECR entry has a fresh token in the
// file cache: once the engine has answered it, the front can.
func tokenCase(name string) frontCase {
	return frontCase{name: name, config: ecrConfig("file"), token: fresh(), stdin: ecrHost}
}

// answered is fc where the front answers with the cached token.
func answered(fc frontCase) frontCase {
	fc.handled, fc.stdout = true, tokenAnswer
	return fc
}

// routedHandoff is fc where the prior get recorded a route and the front
// must hand off all the same.
func routedHandoff(fc frontCase) frontCase {
	fc.routed = true
	return fc
}

// dispatchCases: the front answers `get` alone, and only when nobody asked
// for the engine's log; a route for the request does not change that.
func dispatchCases() []frontCase {
	c := func(name string, args []string, stdin string) frontCase {
		fc := routedHandoff(tokenCase(name))
		fc.args, fc.stdin, fc.prior, fc.noRead = args, stdin, ecrHost, true
		return fc
	}
	logCase := func(name, level string) frontCase {
		fc := routedHandoff(tokenCase(name))
		fc.env, fc.noRead = map[string]string{"REGCRED_LOG": level}, true
		return fc
	}
	empty := answered(tokenCase("REGCRED_LOG set but empty"))
	empty.env = map[string]string{"REGCRED_LOG": ""}
	return []frontCase{
		c("version is the engine's", []string{"version"}, ""),
		c("get with an argument", []string{"get", ecrHost}, ecrHost),
		c("no arguments", []string{}, ecrHost),
		c("--config before get", []string{"--config", "/nonexistent/config.yaml", "get"}, ecrHost),
		c("GET in capitals", []string{"GET"}, ecrHost),
		c("kubelet", []string{"kubelet"}, `{"image":"`+ecrHost+`/team/app"}`),
		c("store", []string{"store"}, `{"ServerURL":"`+ecrHost+`","Username":"bob","Secret":"pw"}`),
		c("erase", []string{"erase"}, ecrHost),
		c("list", []string{"list"}, "unused"),
		logCase("REGCRED_LOG=debug", "debug"),
		logCase("REGCRED_LOG=error", "error"),
		logCase("REGCRED_LOG=nonsense (the engine says so)", "nonsense"),
		empty,
	}
}

// stdinCases: a request the front cannot read or parse is the engine's to
// refuse, with all that was read put back, though the registry has a
// route.
func stdinCases() []frontCase {
	c := func(name, stdin string) frontCase {
		fc := routedHandoff(tokenCase(name))
		fc.stdin, fc.prior = stdin, ecrHost
		return fc
	}
	atLimit := ecrHost + strings.Repeat(" ", dockerproto.MaxRequestSize-len(ecrHost))
	// A read that fails part-way is answered by the front itself, as the
	// engine answers it: TestStdinErrorIsNotReplayedAsEOF.
	return []frontCase{
		c("empty stdin", ""),
		c("blank stdin", " \n\t"),
		answered(c("stdin of exactly the limit", atLimit)),
		c("stdin one byte over the limit", atLimit+" "),
		c("oversized stdin", strings.Repeat("r", 3*dockerproto.MaxRequestSize)),
		c("scheme other than http(s)", "ftp://"+ecrHost),
		c("control character", ecrHost[:5]+"\x01"+ecrHost[5:]),
	}
}

// notFoundCases: the engine's settled "not found" (no candidate, or an
// anonymous one first with nothing tried), or one reached past entries
// whose identity is remembered absent (absent_test.go has the rest), is
// the front's to repeat.
func notFoundCases() []frontCase {
	nf := func(name, config, stdin string) frontCase {
		return frontCase{name: name, config: config, stdin: stdin, handled: true, code: 1, stdout: notFound}
	}
	anonThenStatic := "registries:\n  - match: reg.example.com/team\n    static: {username: alice, passwordEnv: REG_PW}\n" +
		"  - match: reg.example.com\n    anonymous: {}\n"
	// The first entry is tried first (its pattern names the host), fails
	// and the anonymous one answers. A static entry whose variable is unset
	// has failed, which the next get may not repeat; an ECR entry without
	// AWS identity (no profile file, metadata disabled) has its absence
	// remembered, which the front re-checks.
	failedThenAnonymous := "registries:\n  - match: " + ecrHost + "\n    static: {username: a, passwordEnv: NO_SUCH_PW}\n" +
		"  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    anonymous: {}\n"
	absentThenAnonymous := "cache: {store: file, dir: \"$HOME/cache\"}\nregistries:\n  - match: " + ecrHost + "\n    ecr: {region: us-west-2}\n" +
		"  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    anonymous: {}\n"
	return []frontCase{
		nf("no config, unconfigured host", "", "quay.io"),
		{name: "no config, ECR host with nothing cached (the built-in entry fails)", stdin: ecrHost},
		nf("unconfigured host", ecrConfig("file"), "quay.io"),
		nf("unconfigured host, image reference", ecrConfig("file"), "quay.io/team/app:1.0"),
		nf("anonymous entry", "registries:\n  - match: mcr.microsoft.com\n    anonymous: {}\n", "mcr.microsoft.com/dotnet/runtime:8.0"),
		nf("host-level anonymous first for a host request", anonThenStatic, "reg.example.com"),
		{name: "anonymous after an entry that failed: not settled", config: failedThenAnonymous, stdin: ecrHost},
		nf("anonymous after an entry whose identity is remembered absent", absentThenAnonymous, ecrHost),
	}
}

// entryCases: only what the first entry tried answered is routed: a
// token, or a static entry's sources (staticCases has the rest); an
// inline password and a verified entry stay with the engine.
func entryCases() []frontCase {
	static := func(name, config, stdin string) frontCase {
		return frontCase{name: name, config: config, stdin: stdin}
	}
	staticAnswered := func(name, config, stdin string) frontCase {
		return frontCase{name: name, config: config, stdin: stdin, handled: true, stdout: aliceAnswer(stdin, "s3cret")}
	}
	anonThenStatic := "registries:\n  - match: reg.example.com/team\n    static: {username: alice, passwordEnv: REG_PW}\n" +
		"  - match: reg.example.com\n    anonymous: {}\n"
	unset := static("static whose variable is unset: the engine reports it", staticConfig, "reg.example.com")
	unset.unset = []string{"REG_PW"}
	fallback := static("static that fails before an entry that answers",
		staticConfig+"  - match: reg.example.com\n    static: {username: carol, password: pw2}\n", "reg.example.com")
	fallback.unset = []string{"REG_PW"}
	staticFirst := "registries:\n  - match: " + ecrHost + "\n    static: {username: alice, passwordEnv: UNSET_PW}\n" +
		"  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {region: us-west-2}\n"
	tokenFirst := strings.TrimSuffix(ecrConfig("file"), "\n") + "\n  - match: \"*.amazonaws.com\"\n    static: {username: alice, passwordEnv: REG_PW}\n"
	return []frontCase{
		staticAnswered("static entry", staticConfig, "reg.example.com"),
		staticAnswered("static entry, image reference", staticConfig, "reg.example.com/team/app:1.0"),
		static("static inline password", "registries:\n  - match: reg.example.com\n    static: {username: alice, password: inline-pw}\n", "reg.example.com"),
		staticAnswered("path-scoped static first for an image in its path", anonThenStatic, "reg.example.com/team/app:1.0"),
		static("static with verify", "registries:\n  - match: reg.example.com\n    verify: true\n    static: {username: alice, passwordEnv: REG_PW}\n", "reg.example.com"),
		unset, fallback,
		{name: "cached token of an entry after one that failed", config: "cache: {store: file, dir: \"$HOME/cache\"}\n" + staticFirst,
			token: fresh(), stdin: ecrHost},
		answered(frontCase{name: "cached token of the first entry, a static one after it", config: tokenFirst, token: fresh(), stdin: ecrHost}),
	}
}

// tokenCases: a token route is answered while the cached token is fresh,
// for the very request the engine answered.
func tokenCases() []frontCase {
	image := ecrHost + "/team/app:1.0"
	echoed := answered(tokenCase("fresh token, request echoed as sent"))
	echoed.stdin, echoed.prior = "  https://"+strings.ToUpper(ecrHost[:20])+ecrHost[20:]+":443/v2/\n", ecrHost
	echoed.stdout = `{"ServerURL":"https://` + strings.ToUpper(ecrHost[:20]) + ecrHost[20:] + `:443/v2/","Username":"AWS","Secret":"tok"}` + "\n"
	escaped := answered(tokenCase("fresh token, HTML-escaped like the reference"))
	escaped.token.secret = "a<b>&c"
	escaped.stdout = `{"ServerURL":"` + ecrHost + `","Username":"AWS","Secret":"a\u003cb\u003e\u0026c"}` + "\n"
	sameImage := answered(tokenCase("image reference asked before"))
	sameImage.stdin, sameImage.stdout = image, `{"ServerURL":"`+image+`","Username":"AWS","Secret":"tok"}`+"\n"
	otherImage := routedHandoff(tokenCase("image reference, only the host asked before"))
	otherImage.stdin, otherImage.prior = image, ecrHost
	hostAfterImage := routedHandoff(tokenCase("host, only an image asked before"))
	hostAfterImage.prior = image
	verified := answered(tokenCase("fresh token of an entry with verify (verified when fetched)"))
	verified.config = strings.Replace(ecrConfig("file"), "    ecr:", "    verify: true\n    ecr:", 1)
	otherID := tokenCase("token cached for another AWS identity")
	otherID.env = map[string]string{"AWS_PROFILE": "prod"}
	aged := func(name string, tok *token, later time.Duration) frontCase {
		fc := tokenCase(name)
		fc.token, fc.later, fc.routed = tok, later, later != 0
		return fc
	}
	hourLater := answered(tokenCase("an hour after the route, still fresh"))
	hourLater.later = time.Hour
	return []frontCase{
		answered(tokenCase("fresh token in the file cache")),
		echoed, escaped, sameImage, otherImage, hostAfterImage, verified, otherID, hourLater,
		aged("nothing cached", nil, 0),
		aged("expired token", &token{age: 13 * time.Hour, lifetime: 12 * time.Hour}, 0),
		aged("token past half its life: due a refresh", &token{age: 7 * time.Hour, lifetime: 12 * time.Hour}, 0),
		aged("token with under 5 minutes left: due a refresh", &token{lifetime: 4 * time.Minute}, 0),
		aged("token past half its life since the route", fresh(), 6*time.Hour),
		aged("token expired since the route", fresh(), 13*time.Hour),
		aged("token with under 5 minutes left since the route", &token{lifetime: 8 * time.Minute}, 3*time.Minute+30*time.Second),
	}
}

// storeCases: the front reads the file store only; a route recorded where
// the engine would use the keyring is not its to follow.
func storeCases() []frontCase {
	tok := func(name, store string, env map[string]string) frontCase {
		fc := tokenCase(name)
		fc.config, fc.env = ecrConfig(store), env
		return fc
	}
	nf := func(name, cacheYAML string, env map[string]string, unset ...string) frontCase {
		return frontCase{name: name, config: cacheYAML + staticConfig, env: env, unset: unset, stdin: "quay.io"}
	}
	noBus := func(fc frontCase) frontCase {
		fc.noBus = true
		return fc
	}
	found := func(fc frontCase) frontCase {
		fc.handled, fc.code, fc.stdout = true, 1, notFound
		return fc
	}
	noStore := "registries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {region: us-west-2}\n"
	defaultStore := frontCase{name: "store unset: auto, no session bus", config: noStore, token: fresh(), stdin: ecrHost}
	darwin := routedHandoff(frontCase{name: "store unset on macOS: the keyring", config: noStore, token: fresh(), stdin: ecrHost, goos: "darwin"})
	windows := routedHandoff(tok("auto store on Windows: the keyring", "auto", nil))
	windows.goos = "windows"
	return []frontCase{
		tok("keyring store", "keyring", nil),
		tok("store none", "none", nil),
		answered(tok("REGCRED_CACHE=file over an auto store with a session bus", "auto",
			map[string]string{"REGCRED_CACHE": "file", "DBUS_SESSION_BUS_ADDRESS": deadBus})),
		// Without a bus the engine warns that its keyring store falls
		// back to files, for the logins (whose store follows the config,
		// not REGCRED_CACHE): a warning is no route.
		noBus(tok("REGCRED_CACHE=file over a keyring store without a bus: the engine warns (logins)", "keyring",
			map[string]string{"REGCRED_CACHE": "file"})),
		tok("REGCRED_CACHE=none over a file store", "file", map[string]string{"REGCRED_CACHE": "none"}),
		tok("REGCRED_CACHE=keyring over a file store", "file", map[string]string{"REGCRED_CACHE": "keyring"}),
		tok("REGCRED_CACHE invalid, token entry", "file", map[string]string{"REGCRED_CACHE": "bogus"}),
		// The engine here links no keyring, so it recorded a route; the
		// real engine's keyring would serve it, and the front sees the bus.
		routedHandoff(tok("auto store with a session bus", "auto", map[string]string{"DBUS_SESSION_BUS_ADDRESS": deadBus})),
		noBus(answered(tok("auto store without a session bus", "auto", nil))),
		noBus(answered(tok("auto store, autolaunch: is no bus", "auto", map[string]string{"DBUS_SESSION_BUS_ADDRESS": "autolaunch:"}))),
		noBus(answered(defaultStore)), darwin, windows,
		nf("REGCRED_CACHE invalid, unconfigured host: the engine fails", "", map[string]string{"REGCRED_CACHE": "bogus"}),
		nf("relative cache dir, unconfigured host: the engine fails", "cache: {dir: rel/cache}\n", nil),
		nf("no home: no routes", "cache: {dir: \"$HOME/cache\"}\n", nil, "HOME"),
		found(nf("no home, XDG_CACHE_HOME set: routes there", "cache: {dir: \"$HOME/cache\"}\n",
			map[string]string{"XDG_CACHE_HOME": "$HOME/xdg-cache"}, "HOME")),
		noBus(nf("keyring store without a bus, unconfigured host: the engine warns", "cache: {store: keyring}\n", nil)),
		found(nf("relative cache dir with store none, unconfigured host", "cache: {store: none, dir: rel/cache}\n", nil)),
		found(nf("auto store with a session bus, unconfigured host", "", map[string]string{"DBUS_SESSION_BUS_ADDRESS": deadBus})),
	}
}
