package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
	"github.com/regcred/regcred/providers/gcr/gcrtest"
	"github.com/regcred/regcred/providers/oci/ocitest"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// backendFault is a way a backend can fail.
type backendFault string

const (
	faultDown       backendFault = "down"        // nothing listens on the port
	faultSlow       backendFault = "slow"        // accepts the request, never answers
	faultServer     backendFault = "5xx"         // answers 500
	faultThrottled  backendFault = "throttled"   // answers the service's rate limit
	faultMalformed  backendFault = "malformed"   // half a body, then bytes that are not JSON
	faultTruncated  backendFault = "truncated"   // half a body, then the connection drops
	faultWrongShape backendFault = "wrong-shape" // well-formed JSON without the fields
)

func backendFaults() []backendFault {
	return []backendFault{faultDown, faultSlow, faultServer, faultThrottled, faultMalformed, faultTruncated, faultWrongShape}
}

// faultGuard bounds a faulty backend's cost: every backend call is bounded
// by the resolver's entry timeout, so twice that means something hangs.
// Only a hang guard, never a speed assertion.
const faultGuard = 2 * credhelper.DefaultEntryTimeout

// faultTarget is one backend, set up against its fake with a fault.
type faultTarget struct {
	request string   // what the client asks `get` for
	entry   string   // the backend's block in the entry, e.g. `vault: {...}`
	env     []string // the identity the backend reads
	secrets []string // values that must never reach the output
	proxy   *faultProxy
}

type faultBackendKind struct {
	kind  string
	setup func(t *testing.T, f backendFault) faultTarget
}

func faultBackends() []faultBackendKind {
	return []faultBackendKind{
		{"vault", vaultFaultTarget},
		{"ecr", ecrFaultTarget},
		{"gcr", gcrFaultTarget},
		{"ocivault", ociFaultTarget},
	}
}

// TestFaultBackends runs `get` through the built binary against each
// backend failing each way: first as the only entry (a clear error naming
// the entry, on stdout, no secret, no partial answer), then with a static
// entry for the same pattern behind it (which must serve). All runs go at
// once: most of them wait on timeouts and backoffs, not on the CPU.
func TestFaultBackends(t *testing.T) {
	t.Parallel()
	type faultCase struct {
		name, kind  string
		tg          faultTarget
		alone, fall *faultRun
	}
	var cases []*faultCase
	var runs []*faultRun
	for _, b := range faultBackends() {
		for _, f := range backendFaults() {
			c := &faultCase{name: b.kind + "/" + string(f), kind: b.kind, tg: b.setup(t, f)}
			if f != faultSlow || b.kind == "vault" {
				// A slow cloud backend costs the whole entry timeout; the
				// fallback run shows it once.
				c.alone = newFaultRun(t, c.tg, faultConfig(c.tg, b.kind, false))
				runs = append(runs, c.alone)
			}
			c.fall = newFaultRun(t, c.tg, faultConfig(c.tg, b.kind, true))
			runs = append(runs, c.fall)
			cases = append(cases, c)
		}
	}
	runFaultRuns(testBinary(t), runs)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.alone != nil {
				checkFaultRun(t, c.alone, c.tg)
				checkAllFailed(t, c.alone.res, c.tg, c.kind)
				t.Logf("alone, after %s: %s", c.alone.took.Round(time.Millisecond), strings.TrimSpace(c.alone.res.Stdout))
			}
			checkFaultRun(t, c.fall, c.tg)
			checkFallbackServed(t, c.fall.res, c.tg, c.kind)
			t.Logf("with a fallback: served after %s", c.fall.took.Round(time.Millisecond))
			if c.tg.proxy != nil {
				assert.NotZero(t, c.tg.proxy.Spoiled(), "the fault proxy spoiled no answer: the fault is empty")
				assert.NotEmpty(t, c.tg.proxy.Secrets(), "the spoiled answers held no secret: the leak check is empty")
			}
		})
	}
}

// faultRun is one `get` of the matrix and what came of it.
type faultRun struct {
	env      []string
	stdin    string
	res      runResult
	took     time.Duration
	err      error
	timedOut bool
}

func newFaultRun(t *testing.T, tg faultTarget, config string) *faultRun {
	env := append(cleanEnv(t), "REGCRED_CONFIG="+writeConfig(t, config), "REGCRED_LOG=debug")
	return &faultRun{env: append(env, tg.env...), stdin: tg.request}
}

// runFaultRuns runs every get at once, each bounded by the hang guard
// (plus slack for a loaded machine before it is killed).
func runFaultRuns(bin string, runs []*faultRun) {
	var wg sync.WaitGroup
	for _, r := range runs {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), faultGuard+10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "get")
			cmd.Env, cmd.Stdin = r.env, strings.NewReader(r.stdin)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			start := time.Now()
			err := cmd.Run()
			r.took, r.timedOut = time.Since(start), ctx.Err() != nil
			r.res = runResult{Stdout: stdout.String(), Stderr: stderr.String()}
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				r.res.Exit = exit.ExitCode()
			} else {
				r.err = err
			}
		})
	}
	wg.Wait()
}

// checkFaultRun: the run finished within the hang guard and printed no
// secret, not even the half of one a spoiled answer carried.
func checkFaultRun(t *testing.T, r *faultRun, tg faultTarget) {
	t.Helper()
	require.NoError(t, r.err, "get did not finish (%v, killed %v) after %s; stderr:\n%s", r.err, r.timedOut, r.took, r.res.Stderr)
	require.False(t, r.timedOut, "get did not finish (%v, killed %v) after %s; stderr:\n%s", r.err, r.timedOut, r.took, r.res.Stderr)
	assert.LessOrEqual(t, r.took, faultGuard, "get took %s, more than %s: a fault hangs", r.took.Round(time.Millisecond), faultGuard)
	for _, s := range append(tg.secrets, faultSpoiledSecrets(tg)...) {
		assert.False(t, leaks(r.res, s), "output holds a secret or its first half (%.6s…):\nstdout %s\nstderr %s", s, r.res.Stdout, r.res.Stderr)
	}
}

// faultConfig is the target's entry, named primary-<kind>, optionally
// followed by a static entry for the same pattern.
func faultConfig(tg faultTarget, kind string, fallback bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "defaults: false\nregistries:\n  - match: %q\n    name: primary-%s\n    %s\n", tg.request, kind, tg.entry)
	if fallback {
		fmt.Fprintf(&b, "  - match: %q\n    name: fallback\n    static: {username: fallback-robot, password: fallback-password-5c1e}\n", tg.request)
	}
	return b.String()
}

// leaks: s, or its first half when that is long enough to matter, appears
// in the output. A half body is what a malformed answer carries.
func leaks(res runResult, s string) bool {
	out := res.Stdout + res.Stderr
	return strings.Contains(out, s) || (len(s) >= 24 && strings.Contains(out, s[:len(s)/2]))
}

func faultSpoiledSecrets(tg faultTarget) []string {
	if tg.proxy == nil {
		return nil
	}
	return tg.proxy.Secrets()
}

// checkAllFailed: exit 1, one line of text on stdout naming the entry,
// nothing that looks like an answer.
func checkAllFailed(t *testing.T, res runResult, tg faultTarget, kind string) {
	t.Helper()
	require.Equal(t, 1, res.Exit, "exit %d, want 1\nstdout %s\nstderr %s", res.Exit, res.Stdout, res.Stderr)
	want := "primary-" + kind + " (" + kind + ", "
	assert.True(t, strings.HasPrefix(res.Stdout, "regcred: no credential for "+tg.request), "stdout %q does not name the request and the entry %q", res.Stdout, want)
	assert.Contains(t, res.Stdout, want, "stdout %q does not name the request and the entry %q", res.Stdout, want)
	assert.Equal(t, 0, strings.Count(strings.TrimSpace(res.Stdout), "\n"), "stdout is not one line of text: %q", res.Stdout)
	assert.NotContains(t, res.Stdout, "{", "stdout is not one line of text")
}

// checkFallbackServed: the static entry's credential, exactly one JSON
// answer, and the log says why the primary entry was skipped.
func checkFallbackServed(t *testing.T, res runResult, tg faultTarget, kind string) {
	t.Helper()
	require.Equal(t, 0, res.Exit, "with a fallback entry: exit %d\nstdout %s\nstderr %s", res.Exit, res.Stdout, res.Stderr)
	a := decodeOneAnswer(t, res.Stdout)
	assert.Equal(t, "fallback-robot", a.Username, "answer %+v, want the fallback entry's credential for %s", a, tg.request)
	assert.Equal(t, "fallback-password-5c1e", a.Secret, "answer %+v, want the fallback entry's credential for %s", a, tg.request)
	assert.Equal(t, tg.request, a.ServerURL, "answer %+v, want the fallback entry's credential for %s", a, tg.request)
	assert.Contains(t, res.Stderr, "entry skipped", "the log does not say the primary entry was skipped")
	assert.Contains(t, res.Stderr, "primary-"+kind, "the log does not say the primary entry was skipped")
}

// decodeOneAnswer decodes stdout as exactly one answer: no trailing or
// partial output.
func decodeOneAnswer(t *testing.T, stdout string) dockerAnswer {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	var a dockerAnswer
	err := dec.Decode(&a)
	require.NoError(t, err, "stdout is not one answer: %q", stdout)
	rest, _ := io.ReadAll(dec.Buffered())
	require.Equal(t, "", strings.TrimSpace(string(rest)), "stdout has more than one answer: %q", stdout)
	return a
}

// proxied puts a fault proxy in front of url when f spoils answers; the
// 5xx fault too when serverErr, for fakes that cannot answer one.
func proxied(t *testing.T, url, only string, f backendFault, serverErr bool) (string, *faultProxy) {
	mode := map[backendFault]mangle{faultMalformed: malformed, faultTruncated: truncated, faultWrongShape: wrongShape}[f]
	if f == faultServer && serverErr {
		mode = serverError
	}
	if mode == passThrough {
		return url, nil
	}
	p := newFaultProxy(t, url, only, mode)
	return p.URL, p
}

func vaultFaultTarget(t *testing.T, f backendFault) faultTarget {
	const password, token = "vault-fault-password-91d3", "hvs.fault-token-77aa"
	srv := vaulttest.New(t)
	ns := srv.Root()
	ns.MountKV("kv", 2)
	ns.PutKV("kv", "registry/ci", map[string]any{"username": "ci-robot", "password": password})
	ns.Policy("reader", "kv/data/registry/*")
	ns.Token(token, 0, "reader")
	addr, proxy := proxied(t, srv.URL, "/v1/kv/data/", f, true)
	switch f {
	case faultDown:
		addr = closedURL(t)
	case faultSlow:
		srv.Hang(true)
	case faultThrottled:
		srv.Standby(429)
	}
	return faultTarget{
		request: "registry.example.com",
		entry:   fmt.Sprintf("vault: {address: %q, mount: kv, kvVersion: 2, path: registry/ci, timeout: 1s}", addr),
		env:     []string{"VAULT_TOKEN=" + token},
		secrets: []string{password, token},
		proxy:   proxy,
	}
}

func ecrFaultTarget(t *testing.T, f backendFault) faultTarget {
	cloud := ecrtest.New(t)
	keys, env := awsUserEnv(cloud)
	endpoint, proxy := proxied(t, cloud.ECRURL(), "/", f, false)
	switch f {
	case faultDown:
		endpoint = closedURL(t)
	case faultSlow:
		cloud.FailNext(ecrtest.ECR, ecrtest.Slow, 100)
	case faultServer:
		cloud.FailNext(ecrtest.ECR, ecrtest.ServerError, 100)
	case faultThrottled:
		cloud.FailNext(ecrtest.ECR, ecrtest.Throttle, 100)
	}
	return faultTarget{
		request: ecrHost,
		entry:   fmt.Sprintf("ecr: {endpoint: %q}", endpoint),
		env:     env,
		secrets: []string{keys.SecretAccessKey},
		proxy:   proxy,
	}
}

// gcrFaultTarget: a service-account key whose token endpoint fails; the
// answer-spoiling faults go through the metadata server instead, since the
// token endpoint checks that the key's JWT names it as audience.
func gcrFaultTarget(t *testing.T, f backendFault) faultTarget {
	srv := gcrtest.NewServer(t)
	sa := srv.NewServiceAccount(t, "fault@proj.iam.gserviceaccount.com")
	tg := faultTarget{request: "europe-west1-docker.pkg.dev", entry: "gcr: {}", env: []string{"GCE_METADATA_HOST=" + gcrtest.ClosedAddr(t)}}
	switch f {
	case faultMalformed, faultTruncated, faultWrongShape:
		md := srv.NewMetadata(t, sa.Email)
		url, proxy := proxied(t, "http://"+md.Host, "/service-accounts/default/token", f, false)
		tg.env, tg.proxy = []string{"GCE_METADATA_HOST=" + strings.TrimPrefix(url, "http://")}, proxy
		return tg
	case faultServer:
		srv.SetOutage(500)
	case faultThrottled:
		srv.SetOutage(429)
	}
	tokenURL := srv.TokenURL()
	switch f {
	case faultDown:
		tokenURL = closedURL(t) + "/token"
	case faultSlow:
		tokenURL = hangServer(t) + "/token"
	}
	var key map[string]any
	require.NoError(t, json.Unmarshal(sa.KeyJSON(), &key))
	key["token_uri"] = tokenURL
	data, err := json.Marshal(key)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "sa.json")
	require.NoError(t, os.WriteFile(file, data, 0o600))
	tg.entry = fmt.Sprintf("gcr: {credentialsFile: %q}", file)
	return tg
}

func ociFaultTarget(t *testing.T, f backendFault) faultTarget {
	const id, password = "ocid1.vaultsecret.oc1.iad.amaaaaaafault", "oci-fault-password-2b7e"
	e := newOCIE2E(t)
	sec := ocitest.Secret{ID: id, Versions: []ocitest.Version{{Number: 1, Stages: []string{"CURRENT"}, Content: ocitest.PullSecret("oci-robot", password)}}}
	endpoint, proxy := proxied(t, e.secrets.URL, "/20190301/secretbundles", f, false)
	switch f {
	case faultDown:
		endpoint = closedURL(t)
	case faultSlow:
		endpoint = hangServer(t)
	case faultServer:
		sec.FailStatus = 500
	case faultThrottled:
		sec.FailStatus = 429
	}
	e.secrets.Put(sec)
	return faultTarget{
		request: "example.registry.io/team",
		entry:   fmt.Sprintf("ocivault: {secretId: %s, configFile: %q, endpoint: %q}", id, e.config, endpoint),
		secrets: []string{password, ocitest.PullSecret("oci-robot", password)},
		proxy:   proxy,
	}
}
