package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/procbench"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// TestBenchmarkProcesses is `make bench`: whole-process timings of the
// helper against a floor program, as ratios measured side by side in one
// run. It only runs with REGCRED_BENCH=1 (it takes a minute and its numbers
// are for people, not assertions); under a Secret Service it adds the
// keyring store.
func TestBenchmarkProcesses(t *testing.T) {
	if os.Getenv("REGCRED_BENCH") != "1" {
		t.Skip("set REGCRED_BENCH=1 (make bench)")
	}
	rounds := 300
	bin := installedFront(t)
	floor := installed(t, buildFloor(t))[0]
	cloud := ecrtest.New(t)
	_, awsEnv := awsUserEnv(cloud)
	floorFile := filepath.Join(t.TempDir(), "small.json")
	require.NoError(t, os.WriteFile(floorFile, []byte(`{"Username":"AWS","Secret":"x"}`), 0o600))

	// store primes a cache of kind with the environment (and so the HOME,
	// whose ~/.aws files are in the cache key) the timed runs use. ident
	// is the AWS identity: variables, or files written under HOME.
	store := func(kind string, ident func(home string) []string) []string {
		cfg := writeConfig(t, `cache: {store: `+kind+`, dir: `+filepath.Join(t.TempDir(), "cache")+`}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
		env := cleanEnv(t)
		home := ""
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, "HOME="); ok {
				home = v
			}
		}
		env = append(env, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=")
		env = append(env, ident(home)...)
		if bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); bus != "" {
			env = append(env, "DBUS_SESSION_BUS_ADDRESS="+bus)
		}
		res := runBinary(t, bin, runOpts{Env: env, Stdin: ecrHost}, "get")
		require.Equal(t, 0, res.Exit, "priming the %s cache: %s %s", kind, res.Stdout, res.Stderr)
		return env
	}
	fromEnv := func(string) []string { return awsEnv }
	fileEnv := store("file", fromEnv)
	// The usual developer set-up: a profile in ~/.aws/credentials and a
	// ~/.aws/config, both of which a warm get hashes (the identity files).
	awsFilesEnv := store("file", func(home string) []string {
		keys := cloud.NewUser("dev")
		require.NoError(t, os.MkdirAll(filepath.Join(home, ".aws"), 0o700))
		require.NoError(t, os.WriteFile(filepath.Join(home, ".aws", "credentials"),
			[]byte("[default]\naws_access_key_id = "+keys.AccessKeyID+"\naws_secret_access_key = "+keys.SecretAccessKey+"\n"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[default]\nregion = us-west-2\noutput = json\n"), 0o600))
		return nil
	})
	cases := []procbench.Case{
		{Name: "floor (read stdin + 1 file, print JSON)", Argv: []string{floor, floorFile}, Stdin: ecrHost},
		{Name: "get, warm, file cache", Argv: []string{bin, "get"}, Env: fileEnv, Stdin: ecrHost},
		{Name: "get, unconfigured host", Argv: []string{bin, "get"}, Env: fileEnv, Stdin: "quay.io", OKExit: []int{1}},
		{Name: "get, unconfigured, no config file", Argv: []string{bin, "get"}, Env: cleanEnv(t), Stdin: "quay.io", OKExit: []int{1}},
	}
	if peer := peerCase(t, cloud, awsEnv); peer != nil {
		cases = append(cases, *peer)
	}
	cases = append(cases, procbench.Case{Name: "get, warm, file cache, ~/.aws files", Argv: []string{bin, "get"}, Env: awsFilesEnv, Stdin: ecrHost})
	cases = append(cases, staticFileCase(t, bin))
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		cases = append(cases, procbench.Case{Name: "get, warm, keyring (Secret Service)", Argv: []string{bin, "get"}, Env: store("keyring", fromEnv), Stdin: ecrHost},
			// auto's default on a desktop: the token sealed under the kernel's persistent keyring, read by the front without D-Bus.
			procbench.Case{Name: "get, warm, sealed (auto, session bus)", Argv: []string{bin, "get"}, Env: store("auto", fromEnv), Stdin: ecrHost})
	}
	before := cloud.Calls(ecrtest.ECR)
	rs, err := procbench.Run(context.Background(), cases, 20, rounds)
	require.NoError(t, err)
	t.Logf("%d rounds (shuffled), medians; ratio to the floor = median of per-round ratios:\n%s", rounds, procbench.Format(rs))
	if len(rs) > 4 && rs[4].Name == peerName {
		t.Logf("warm get vs %s: %.2fx (target <= 0.5x)", peerName, procbench.RatioOf(rs[1], rs[4]))
	}
	after := cloud.Calls(ecrtest.ECR)
	assert.Equal(t, before, after, "warm gets made %d backend calls", after-before)
	front, err := os.Stat(bin)
	require.NoError(t, err)
	engine, err := os.Stat(filepath.Join(filepath.Dir(bin), "regcred-engine"))
	require.NoError(t, err)
	fetcher, err := os.Stat(filepath.Join(filepath.Dir(bin), "regcred-fetch"))
	require.NoError(t, err)
	t.Logf("binaries (%s/%s, as built by the test): docker-credential-regcred %.1f MiB, regcred-engine %.1f MiB, regcred-fetch %.1f MiB",
		runtime.GOOS, runtime.GOARCH, float64(front.Size())/(1<<20), float64(engine.Size())/(1<<20), float64(fetcher.Size())/(1<<20))
	rss := buildTool(t, "rss")
	t.Logf("peak RSS (through a launcher of %d KiB): warm get %d KiB, floor %d KiB", peakRSS(t, rss, []string{"/bin/true"}, nil, ""),
		peakRSS(t, rss, []string{bin, "get"}, fileEnv, ecrHost), peakRSS(t, rss, []string{floor, floorFile}, nil, ecrHost))
	t.Logf("32 concurrent cold gets: %d GetAuthorizationToken call(s)", concurrentCold(t, bin, cloud, awsEnv))
	benchNoIdentity(t, bin, rounds)
}

// staticFileCase is a warm get of a static entry whose password is in a
// file (target <= 1.25x the floor): primed by one get, which records the
// route the front answers from.
func staticFileCase(t *testing.T, bin string) procbench.Case {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(pw, []byte("s3cret\n"), 0o600))
	cfg := writeConfig(t, "registries:\n  - match: reg.example.com\n    static: {username: alice, passwordFile: \""+pw+"\"}\n")
	env := append(cleanEnv(t), "REGCRED_CONFIG="+cfg)
	res := runBinary(t, bin, runOpts{Env: env, Stdin: "reg.example.com"}, "get")
	require.Equal(t, 0, res.Exit, "priming the static route: %s %s", res.Stdout, res.Stderr)
	return procbench.Case{Name: "get, warm, static password file", Argv: []string{bin, "get"}, Env: env, Stdin: "reg.example.com"}
}

// peerName names amazon-ecr-credential-helper's case.
const peerName = "amazon-ecr-credential-helper, warm"

// installed copies the executables at paths into one fresh directory as an
// installer writes them (procbench.Install) and returns the copies' paths:
// every timed executable is a copy, whoever built it.
func installed(t *testing.T, paths ...string) []string {
	t.Helper()
	out, err := procbench.Install(t.TempDir(), paths...)
	require.NoError(t, err)
	return out
}

// installedFront is a copy of the front with a copy of the engine beside it.
func installedFront(t *testing.T) string {
	t.Helper()
	front := testBinary(t)
	return installed(t, front, filepath.Join(filepath.Dir(front), "regcred-engine"), filepath.Join(filepath.Dir(front), "regcred-fetch"))[0]
}

func buildFloor(t *testing.T) string { return buildTool(t, "floor") }

// buildTool builds testdata/tools/<name>.
func buildTool(t *testing.T, name string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	b, err := exec.Command("go", "build", "-o", out, "../../testdata/tools/"+name).CombinedOutput()
	require.NoError(t, err, "building %s:\n%s", name, b)
	return out
}

// peakRSS is argv's peak resident set as testdata/tools/rss reports it.
func peakRSS(t *testing.T, rss string, argv []string, env []string, stdin string) int64 {
	t.Helper()
	cmd := exec.Command(rss, argv...)
	cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run())
	var kib int64
	_, err := fmt.Sscanf(stderr.String()[strings.LastIndex(stderr.String(), "maxrss_kib"):], "maxrss_kib %d", &kib)
	require.NoError(t, err, "rss said %q", stderr.String())
	return kib
}

func concurrentCold(t *testing.T, bin string, cloud *ecrtest.Cloud, awsEnv []string) int {
	t.Helper()
	cfg := writeConfig(t, `cache: {store: file, dir: `+filepath.Join(t.TempDir(), "cold")+`}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
	before := cloud.Calls(ecrtest.ECR)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			runBinary(t, bin, runOpts{Env: append(awsEnv, "REGCRED_CONFIG="+cfg, "REGCRED_CACHE="), Stdin: ecrHost}, "get")
		})
	}
	wg.Wait()
	return cloud.Calls(ecrtest.ECR) - before
}

// peerCase is amazon-ecr-credential-helper's warm cached get, when it is
// installed (make bench installs a pinned version). It is primed the honest
// way: one cold get against the same fake ECR writes its own cache, after
// which it answers from ~/.ecr/cache.json without the network.
func peerCase(t *testing.T, cloud *ecrtest.Cloud, awsEnv []string) *procbench.Case {
	t.Helper()
	peer := peerBinary(t)
	if peer == "" {
		return nil
	}
	peer = installed(t, peer)[0]
	env := peerEnv(t, cloud, awsEnv)
	before := cloud.Calls(ecrtest.ECR)
	prime := exec.Command(peer, "get")
	prime.Env, prime.Stdin = env, strings.NewReader(ecrHost)
	if out, err := prime.CombinedOutput(); err != nil || cloud.Calls(ecrtest.ECR) != before+1 {
		t.Logf("priming amazon-ecr-credential-helper failed (%v), leaving it out: %s", err, out)
		return nil
	}
	return &procbench.Case{Name: peerName, Argv: []string{peer, "get"}, Env: env, Stdin: ecrHost}
}

// peerBinary is amazon-ecr-credential-helper's executable, or "" when it
// is not installed.
func peerBinary(t *testing.T) string {
	t.Helper()
	peer, err := exec.LookPath("docker-credential-ecr-login")
	if err == nil {
		return peer
	}
	gopath, _ := exec.Command("go", "env", "GOPATH").Output()
	peer = filepath.Join(strings.TrimSpace(string(gopath)), "bin", "docker-credential-ecr-login")
	if _, err := os.Stat(peer); err != nil {
		t.Log("amazon-ecr-credential-helper is not installed; `make bench` installs it")
		return ""
	}
	return peer
}

// peerEnv is the peer's environment against the fake ECR, in a home of
// its own (where its cache lives).
func peerEnv(t *testing.T, cloud *ecrtest.Cloud, awsEnv []string) []string {
	return append(append(cleanEnv(t), awsEnv...), "AWS_ENDPOINT_URL_ECR="+cloud.ECRURL(), "AWS_REGION=us-west-2")
}
