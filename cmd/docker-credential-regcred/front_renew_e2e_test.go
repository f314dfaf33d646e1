package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers/ecr/ecrtest"
)

// The renewal path under stress: the same `get` when its token is due,
// renewed by regcred-fetch by the recipe its route records, for a second
// identity, a changed environment, concurrent gets, a silent ECR and
// secrets that must not reach the output.

// renewal is an install whose engine recorded an ECR route with a recipe,
// the file cache in dir.
type renewal struct {
	in    install
	cloud *ecrtest.Cloud
	keys  ecrtest.Keys
	env   []string
	dir   string
}

// newRenewal runs the engine's cold get in the AWS user's environment,
// with what extra adds to it, and checks it recorded a route with a recipe.
func newRenewal(t *testing.T, extra func(cloud *ecrtest.Cloud) []string) *renewal {
	t.Helper()
	cloud, keys, env, dir := frontECRSetup(t, "file")
	if extra != nil {
		env = append(env, extra(cloud)...)
	}
	r := &renewal{in: newInstall(t), cloud: cloud, keys: keys, env: pinnedEnv(t, env...), dir: dir}
	cold := runBinary(t, r.in.engine, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
	assert.Contains(t, r.route(t), "fetchKind \"ecr\"", "the engine's route records no recipe")
	return r
}

// routePath is the one route the runs recorded.
func (r *renewal) routePath(t *testing.T) string {
	t.Helper()
	return onlyRouteFile(t, r.env)
}

func (r *renewal) route(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(r.routePath(t))
	require.NoError(t, err)
	return string(data)
}

// cached is the token cached, as the front answers it.
func (r *renewal) cached(t *testing.T) runResult {
	t.Helper()
	res := r.in.alone(t, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, r.cloud, res, ecrHost, r.keys.ARN, "us-west-2", r.keys)
	return res
}

// due makes the cached token due a refresh (still valid).
func (r *renewal) due(t *testing.T) {
	t.Helper()
	now := time.Now()
	rewriteRecord(t, onlyTokenFile(t, r.dir), now.Add(-11*time.Hour), now.Add(2*time.Minute))
}

// TestRenewalSignsWithTheEnvironmentsKeys: with AWS_PROFILE naming a
// profile of other keys, the SDK signs with the environment's keys (they
// come first in its chain when no profile is named in code), so the
// engine records a recipe; the fetcher, which reads no profile, signs
// with the same keys: the renewed token is the same principal's.
func TestRenewalSignsWithTheEnvironmentsKeys(t *testing.T) {
	t.Parallel()
	r := newRenewal(t, func(cloud *ecrtest.Cloud) []string {
		creds := filepath.Join(t.TempDir(), "credentials")
		other := cloud.NewUser("other")
		testkit.WriteFile(t, creds, "[other]\naws_access_key_id = "+other.AccessKeyID+"\naws_secret_access_key = "+other.SecretAccessKey+"\n")
		return []string{"AWS_PROFILE=other", "AWS_SHARED_CREDENTIALS_FILE=" + creds}
	})
	cold := r.cached(t)
	r.due(t)
	before := r.cloud.Calls(ecrtest.ECR)
	res := r.in.without(t, []string{r.in.engine}, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, r.cloud, res, ecrHost, r.keys.ARN, "us-west-2", r.keys)
	assert.Equal(t, 1, r.cloud.Calls(ecrtest.ECR)-before, "the fetcher's renewal")
	assert.NotEqual(t, cold.Stdout, res.Stdout, "the due token was served, not renewed")
}

// TestRenewalAfterTheKeysChanged: keys removed, or given under the legacy
// names, after the route was recorded make another route key: the front
// hands the get to the engine, not to a fetcher that would find no keys.
func TestRenewalAfterTheKeysChanged(t *testing.T) {
	t.Parallel()
	r := newRenewal(t, nil)
	r.due(t)
	var without, legacy []string
	for _, kv := range r.env {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			without = append(without, kv)
		}
	}
	legacy = append(append(legacy, without...), "AWS_ACCESS_KEY="+r.keys.AccessKeyID, "AWS_SECRET_KEY="+r.keys.SecretAccessKey)
	for name, env := range map[string][]string{"keys removed": without, "legacy names": legacy} {
		before := r.cloud.Calls(ecrtest.ECR)
		res := r.in.without(t, []string{r.in.engine}, runOpts{Env: env, Stdin: ecrHost}, "get")
		r.in.checkHandedOff(t, res)
		assert.Equal(t, 0, r.cloud.Calls(ecrtest.ECR)-before, "%s: ECR was asked without the engine", name)
	}
}

// TestRenewalLegacyKeysRecordNoRecipe: keys the SDK found under the
// legacy names (AWS_ACCESS_KEY, AWS_SECRET_KEY), which the fetcher does
// not read, make no recipe: one would send every renewal through a
// fetcher that cannot follow it, then the engine.
func TestRenewalLegacyKeysRecordNoRecipe(t *testing.T) {
	t.Parallel()
	cloud, keys, env, _ := frontECRSetup(t, "file")
	var legacy []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "AWS_ACCESS_KEY_ID=") && !strings.HasPrefix(kv, "AWS_SECRET_ACCESS_KEY=") {
			legacy = append(legacy, kv)
		}
	}
	env = pinnedEnv(t, append(legacy, "AWS_ACCESS_KEY="+keys.AccessKeyID, "AWS_SECRET_KEY="+keys.SecretAccessKey)...)
	in := newInstall(t)
	cold := runBinary(t, in.engine, runOpts{Env: env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
	r := &renewal{in: in, env: env}
	assert.NotContains(t, r.route(t), "fetchKind", "a recipe the fetcher cannot follow (it reads no legacy key names)")
}

// TestRenewalConcurrentDueGets: gets of one due token at once, through
// the front and so the fetcher in separate processes, make one ECR call
// (the cache key's lock), and every one answers a token ECR issued.
func TestRenewalConcurrentDueGets(t *testing.T) {
	t.Parallel()
	r := newRenewal(t, nil)
	r.due(t)
	before := r.cloud.Calls(ecrtest.ECR)
	results := make([]runResult, 16)
	require.NoError(t, os.Chmod(r.in.engine, 0)) // the fetchers alone renew
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			results[i] = runBinary(t, r.in.front, runOpts{Env: r.env, Stdin: ecrHost}, "get")
		})
	}
	wg.Wait()
	require.NoError(t, os.Chmod(r.in.engine, 0o755))
	for _, res := range results {
		checkECRAnswer(t, r.cloud, res, ecrHost, r.keys.ARN, "us-west-2", r.keys)
	}
	assert.Equal(t, 1, r.cloud.Calls(ecrtest.ECR)-before, "%d concurrent renewals of one token", len(results))
	assert.Contains(t, r.route(t), "fetchKind \"ecr\"", "the route lost its recipe")
}

// TestRenewalRefusedConcurrentlyNoMoreCalls: ECR refusing (or
// throttling) every call, concurrent gets of a due token ask it no more
// often through the front than through the engine alone: ECR's quota is
// per account and region, and a refusal is when it matters most.
func TestRenewalRefusedConcurrentlyNoMoreCalls(t *testing.T) {
	t.Parallel()
	calls := map[string]int{}
	for _, via := range []string{"front", "engine"} {
		r := newRenewal(t, nil)
		r.due(t)
		r.cloud.FailNext(ecrtest.ECR, ecrtest.AccessDenied, 1000)
		bin := map[string]string{"front": r.in.front, "engine": r.in.engine}[via]
		before := r.cloud.Calls(ecrtest.ECR)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				res := runBinary(t, bin, runOpts{Env: r.env, Stdin: ecrHost}, "get")
				assert.Equal(t, 0, res.Exit, "the still-valid token is not served: %s %s", res.Stdout, res.Stderr)
			})
		}
		wg.Wait()
		calls[via] = r.cloud.Calls(ecrtest.ECR) - before
	}
	t.Logf("8 concurrent due gets, ECR refusing: %v calls", calls)
	assert.LessOrEqual(t, calls["front"], calls["engine"])
}

// TestRenewalRecipeSurvivesACachedAnswer: an engine that answers from the
// cache (what every engine but one does after concurrent cold gets)
// records the route again; it keeps the recipe the route it replaces
// names, or the next renewal would be the engine's. (After the config
// file or the engine changed, the route key is new and there is no route
// to keep it from: that renewal is the engine's, which records it again.)
func TestRenewalRecipeSurvivesACachedAnswer(t *testing.T) {
	t.Parallel()
	r := newRenewal(t, nil)
	warm := runBinary(t, r.in.engine, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, r.cloud, warm, ecrHost, r.keys.ARN, "us-west-2", r.keys)
	assert.Equal(t, 1, r.cloud.Calls(ecrtest.ECR), "the second get was not answered from the cache")
	assert.Contains(t, r.route(t), "fetchKind \"ecr\"", "the route lost its recipe")
}

// TestRenewalBlackHoledECR: an ECR endpoint that accepts and never
// answers costs the fetcher its bound (fetch.Timeout); the engine then
// renews, and its answer is the one given.
func TestRenewalBlackHoledECR(t *testing.T) {
	t.Parallel()
	r := newRenewal(t, nil)
	hole := testkit.NewBlackHole(t)
	path := r.routePath(t)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	old := "fetchURL " + strconv.Quote(r.cloud.ECRURL()+"/")
	require.Contains(t, string(data), old)
	require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, "fetchURL "+strconv.Quote("http://"+hole.Addr()+"/"), 1)), 0o600))
	r.due(t)
	before := r.cloud.Calls(ecrtest.ECR)
	start := time.Now()
	res := runBinary(t, r.in.front, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	t.Logf("a renewal through a black-holed fetch took %v", time.Since(start))
	checkECRAnswer(t, r.cloud, res, ecrHost, r.keys.ARN, "us-west-2", r.keys)
	assert.Equal(t, int64(1), hole.Conns(), "the fetcher did not try the black-holed endpoint")
	assert.Equal(t, 1, r.cloud.Calls(ecrtest.ECR)-before, "the engine's renewal")
	assert.Empty(t, res.Stderr)
}

// TestRenewalPrintsNoSecret: whatever happens on the renewal path (a
// renewal, refusals, an answer for another registry endpoint, an answer
// that is not ECR's), REGCRED_LOG unset, neither stream holds the AWS
// secret key or session token of the temporary keys it signs with.
func TestRenewalPrintsNoSecret(t *testing.T) {
	junk := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("<html>")) }))
	defer junk.Close()
	tests := []struct {
		name  string
		route func(r *renewal) (old, new string)
		fault func(cloud *ecrtest.Cloud)
		calls int // to ECR: the fetcher's, then any of the engine's
	}{
		{name: "renewed", calls: 1},
		// Refused, the token still valid: the fetcher serves it with a warning.
		{name: "refused", calls: 1, fault: func(c *ecrtest.Cloud) { c.FailNext(ecrtest.ECR, ecrtest.AccessDenied, 1) }},
		{name: "throttled", calls: 1, fault: func(c *ecrtest.Cloud) { c.FailNext(ecrtest.ECR, ecrtest.Throttle, 1) }},
		{name: "another registry endpoint", calls: 2, route: func(*renewal) (string, string) {
			return "fetchProxy " + strconv.Quote("https://"+ecrHost), "fetchProxy " + strconv.Quote("https://210987654321.dkr.ecr.us-west-2.amazonaws.com")
		}},
		{name: "not ECR's answer", calls: 1, route: func(r *renewal) (string, string) {
			return "fetchURL " + strconv.Quote(r.cloud.ECRURL()+"/"), "fetchURL " + strconv.Quote(junk.URL+"/")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRenewal(t, nil)
			// The user's keys' route and token out of the way, the same with
			// temporary keys the user's role hands out.
			require.NoError(t, os.Remove(r.routePath(t)))
			require.NoError(t, os.Remove(onlyTokenFile(t, r.dir)))
			temp := sessionKeys(t, r.cloud, r.cloud.NewRole("ci", ecrtest.Trust{Principals: []string{r.keys.ARN}}))
			r.env = append(r.env, "AWS_ACCESS_KEY_ID="+temp.AccessKeyID, "AWS_SECRET_ACCESS_KEY="+temp.SecretAccessKey, "AWS_SESSION_TOKEN="+temp.SessionToken)
			cold := runBinary(t, r.in.engine, runOpts{Env: r.env, Stdin: ecrHost}, "get")
			require.Equal(t, 0, cold.Exit, "the engine's cold get with temporary keys: %s %s", cold.Stdout, cold.Stderr)
			require.Contains(t, r.route(t), "fetchKind \"ecr\"", "the route of temporary keys records no recipe")
			path := r.routePath(t)
			if tt.route != nil {
				old, replacement := tt.route(r)
				data, err := os.ReadFile(path)
				require.NoError(t, err)
				require.Contains(t, string(data), old)
				require.NoError(t, os.WriteFile(path, []byte(strings.Replace(string(data), old, replacement, 1)), 0o600))
			}
			r.due(t)
			if tt.fault != nil {
				tt.fault(r.cloud)
			}
			before := r.cloud.Calls(ecrtest.ECR)
			res := runBinary(t, r.in.front, runOpts{Env: r.env, Stdin: ecrHost}, "get")
			require.Equal(t, 0, res.Exit, "stdout %q stderr %q", res.Stdout, res.Stderr)
			_, ok := r.cloud.Lookup(decodeOneAnswer(t, res.Stdout).Secret)
			assert.True(t, ok, "the answer is not a token ECR issued")
			assert.Equal(t, tt.calls, r.cloud.Calls(ecrtest.ECR)-before)
			for _, out := range []string{res.Stdout, res.Stderr} {
				assert.NotContains(t, out, temp.SecretAccessKey, "the secret access key was printed")
				assert.NotContains(t, out, temp.SessionToken, "the session token was printed")
			}
		})
	}
}

// TestRenewalUnwritableCache: a token renewed by the fetcher that cannot
// be stored (the cache's file system gone read-only) is answered, with
// the warning the engine prints, and nothing secret on either stream.
func TestRenewalUnwritableCache(t *testing.T) {
	t.Parallel()
	cloud, keys, env, dir := frontECRSetup(t, "file")
	mountTmpfs(t, dir, "1m")
	r := &renewal{in: newInstall(t), cloud: cloud, keys: keys, env: pinnedEnv(t, env...), dir: dir}
	cold := runBinary(t, r.in.engine, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	checkECRAnswer(t, cloud, cold, ecrHost, keys.ARN, "us-west-2", keys)
	r.due(t)
	out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput()
	require.NoError(t, err, "remounting read-only: %s", out)
	before := cloud.Calls(ecrtest.ECR)
	front := r.in.without(t, []string{r.in.engine}, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	fetcherCalls := cloud.Calls(ecrtest.ECR) - before
	engine := runBinary(t, r.in.engine, runOpts{Env: r.env, Stdin: ecrHost}, "get")
	t.Logf("front (no engine): exit %d stderr %q; engine: exit %d stderr %q", front.Exit, front.Stderr, engine.Exit, engine.Stderr)
	checkECRAnswer(t, cloud, engine, ecrHost, keys.ARN, "us-west-2", keys)
	checkECRAnswer(t, cloud, front, ecrHost, keys.ARN, "us-west-2", keys)
	assert.Equal(t, 1, fetcherCalls, "the fetcher's renewal")
	assert.Equal(t, warningsOf(engine.Stderr), warningsOf(front.Stderr), "the fetcher's warning is not the engine's")
}

// tmpName is a temporary file's name in the cache, random.
var tmpName = regexp.MustCompile(`\.tmp-[0-9a-f]+`)

// warningsOf is the messages of stderr's log lines, without their time
// and temporary file names.
func warningsOf(stderr string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(tmpName.ReplaceAllString(stderr, ".tmp-*")), "\n") {
		if _, rest, ok := strings.Cut(l, " level="); ok {
			out = append(out, rest)
		} else if l != "" {
			out = append(out, l)
		}
	}
	return out
}
