package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/procbench"
	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/stretchr/testify/assert"
)

// benchNoIdentity times the gets of a machine with no cloud identity whose
// metadata addresses are black holes (the "off-cloud laptop"):
// the first get of ECR Public and of gcr.io pays the probe (timed once,
// against the 1.5 s budget), every later one answers from the remembered
// absence; those are timed as ratios to a get no entry matches, in the
// same environment.
func benchNoIdentity(t *testing.T, bin string, rounds int) {
	t.Helper()
	aws, google := testkit.NewBlackHole(t), testkit.NewBlackHole(t)
	env, _ := absentEnv(t, aws, google, "registries: []\n")
	env = append(cleanEnv(t), env...)
	probe := time.Duration(0)
	for _, req := range []string{"public.ecr.aws/x", "gcr.io/x"} {
		start := time.Now()
		res := runBinary(t, bin, runOpts{Env: env, Stdin: req}, "get")
		probe += time.Since(start)
		require.Equal(t, 1, res.Exit, "get %s off the cloud: want not found (anonymous)\n%s%s", req, res.Stdout, res.Stderr)
	}
	t.Logf("first get off the cloud (the metadata probes), public.ecr.aws/x + gcr.io/x: %.2f s (budget 1.5 s)", probe.Seconds())
	probes := aws.Conns() + google.Conns()
	rs, err := procbench.Run(context.Background(), []procbench.Case{
		{Name: "get, no match (quay.io/x)", Argv: []string{bin, "get"}, Env: env, Stdin: "quay.io/x", OKExit: []int{1}},
		{Name: "get, no identity, public.ecr.aws/x", Argv: []string{bin, "get"}, Env: env, Stdin: "public.ecr.aws/x", OKExit: []int{1}},
		{Name: "get, no identity, gcr.io/x", Argv: []string{bin, "get"}, Env: env, Stdin: "gcr.io/x", OKExit: []int{1}},
	}, 10, rounds)
	require.NoError(t, err)
	t.Logf("no cloud identity, black-holed metadata, from the second get on; %d rounds (shuffled), medians; ratio to the no-match get = median of per-round ratios (target <= 1.25x):\n%s",
		rounds, procbench.Format(rs))
	assert.Equal(t, probes, aws.Conns()+google.Conns(), "remembered absences probed the metadata addresses again")
}

// TestBenchmarkCold is the cold half of `make bench`, runnable alone
// (REGCRED_BENCH=1 go test -run TestBenchmarkCold; REGCRED_BENCH_ROUNDS
// sets the rounds): the cold get against the peer's, and where the
// engine's package initialisation spends its time.
func TestBenchmarkCold(t *testing.T) {
	if os.Getenv("REGCRED_BENCH") != "1" {
		t.Skip("set REGCRED_BENCH=1 (make bench)")
	}
	rounds := 200
	if n, err := strconv.Atoi(os.Getenv("REGCRED_BENCH_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	bin := installedFront(t)
	cloud := ecrtest.New(t)
	_, awsEnv := awsUserEnv(cloud)
	benchCold(t, bin, cloud, awsEnv, rounds)
}

// benchCold times a cold get (no cache: every get asks the fake ECR)
// through the front (which hands it to the fetcher), through a front
// installed without the fetcher (which hands it to the engine) and of the
// engine alone, as ratios to
// amazon-ecr-credential-helper's cold get (its cache disabled with
// AWS_ECR_DISABLE_CACHE) against the same fake, in one run.
func benchCold(t *testing.T, bin string, cloud *ecrtest.Cloud, awsEnv []string, rounds int) {
	t.Helper()
	peer := peerBinary(t)
	if peer == "" {
		return
	}
	peer = installed(t, peer)[0]
	cfg := writeConfig(t, `cache: {store: none}
registries:
  - match: "*.dkr.ecr.*.amazonaws.com"
    ecr: {endpoint: "`+cloud.ECRURL()+`"}
`)
	env := append(append(cleanEnv(t), awsEnv...), "REGCRED_CONFIG="+cfg, "REGCRED_CACHE=")
	peerCold := append(peerEnv(t, cloud, awsEnv), "AWS_ECR_DISABLE_CACHE=true")
	noFetcher := installed(t, bin, filepath.Join(filepath.Dir(bin), "regcred-engine"))[0]
	cases := []procbench.Case{
		{Name: "amazon-ecr-credential-helper, cold", Argv: []string{peer, "get"}, Env: peerCold, Stdin: ecrHost},
		{Name: "get, cold (store: none)", Argv: []string{bin, "get"}, Env: env, Stdin: ecrHost},
		{Name: "get, cold, engine alone", Argv: []string{filepath.Join(filepath.Dir(bin), "regcred-engine"), "get"}, Env: env, Stdin: ecrHost},
		{Name: "get, cold, no fetcher installed", Argv: []string{noFetcher, "get"}, Env: env, Stdin: ecrHost},
	}
	for _, c := range cases {
		cmd := exec.Command(c.Argv[0], c.Argv[1:]...)
		cmd.Env, cmd.Stdin = c.Env, strings.NewReader(c.Stdin)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s: %s", c.Name, out)
	}
	logInitTrace(t, cases[2])
	before := cloud.Calls(ecrtest.ECR)
	rs, err := procbench.Run(context.Background(), cases, 5, rounds)
	require.NoError(t, err)
	t.Logf("cold get, %d rounds (shuffled), medians; ratio to amazon-ecr-credential-helper's cold get = median of per-round ratios (target <= 1.0x):\n%s", rounds, procbench.Format(rs))
	t.Logf("the hand-off: a cold get through the front ÷ the engine alone, %.2fx; through a front without the fetcher ÷ the engine alone, %.2fx",
		procbench.RatioOf(rs[1], rs[2]), procbench.RatioOf(rs[3], rs[2]))
	assert.Equal(t, len(cases)*(5+rounds), cloud.Calls(ecrtest.ECR)-before, "cold gets' GetAuthorizationToken calls, want one each")
}

// logInitTrace runs c once with GODEBUG=inittrace=1 and logs the package
// initialisation it paid: the total and the costliest packages.
func logInitTrace(t *testing.T, c procbench.Case) {
	t.Helper()
	cmd := exec.Command(c.Argv[0], c.Argv[1:]...)
	cmd.Env, cmd.Stdin = append(slices.Clone(c.Env), "GODEBUG=inittrace=1"), strings.NewReader(c.Stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Run(), "%s with inittrace: %s", c.Name, stderr.String())
	type pkgInit struct {
		pkg string
		ms  float64
	}
	var inits []pkgInit
	total := 0.0
	for line := range strings.Lines(stderr.String()) {
		// init <pkg> @<start> ms, <clock> ms clock, <bytes> bytes, <allocs> allocs
		f := strings.Fields(line)
		if len(f) < 7 || f[0] != "init" || f[6] != "clock," {
			continue
		}
		ms, err := strconv.ParseFloat(f[4], 64)
		require.NoError(t, err, "inittrace line %q", line)
		inits = append(inits, pkgInit{f[1], ms})
		total += ms
	}
	require.NotEmpty(t, inits, "no inittrace lines in %q", stderr.String())
	slices.SortFunc(inits, func(a, b pkgInit) int { return int((b.ms - a.ms) * 1e6) })
	var b strings.Builder
	for _, in := range inits[:min(15, len(inits))] {
		fmt.Fprintf(&b, "  %-60s %6.3f ms\n", in.pkg, in.ms)
	}
	last := strings.Fields(stderr.String()[strings.LastIndex(stderr.String(), "\ninit ")+1:])
	t.Logf("%s: %d package inits, %.2f ms of init clock in all, the last starting %s ms after the runtime's; the costliest:\n%s",
		c.Name, len(inits), total, strings.TrimPrefix(last[2], "@"), b.String())
}
