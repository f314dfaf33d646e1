package testkit

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const metadataIP = "169.254.169.254"

// In its namespace the test reaches a server on the fixed address through
// a plain client, from many goroutines (threads) at once, and nothing
// else; the machine's own namespace never gets the address.
func TestPrivateNetwork(t *testing.T) {
	if !PrivateNetwork(t, metadataIP, "fd00:ec2::254") {
		_, err := net.Listen("tcp", net.JoinHostPort(metadataIP, "0"))
		assert.Error(t, err, "the address was added outside the test's namespace")
		return
	}
	assert.Equal(t, t.Name(), os.Getenv(netnsChild), "a process of its own for this test")
	ifs, err := net.Interfaces()
	require.NoError(t, err)
	require.Len(t, ifs, 1)
	assert.Equal(t, "lo", ifs[0].Name)

	url := ServeHTTPAt(t, metadataIP+":80", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metadata at "+r.Host)
	}))
	assert.Equal(t, "http://"+metadataIP+":80", url)
	ServeHTTPAt(t, "[fd00:ec2::254]:80", http.NotFoundHandler())

	client := &http.Client{Transport: &http.Transport{Proxy: nil}, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			resp, err := client.Get("http://" + metadataIP + "/")
			if !assert.NoError(t, err) {
				return
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			assert.Equal(t, "metadata at "+metadataIP, string(b))
		})
	}
	wg.Wait()
	resp, err := client.Get("http://[fd00:ec2::254]/")
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)

	_, err = net.DialTimeout("tcp", "169.254.169.253:80", 2*time.Second)
	assert.Error(t, err, "an address not given is not reachable")
}

// Each subtest is a process of its own.
func TestPrivateNetworkPerSubtest(t *testing.T) {
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			if !PrivateNetwork(t, metadataIP) {
				return
			}
			assert.Equal(t, t.Name(), os.Getenv(netnsChild))
			ServeHTTPAt(t, metadataIP+":80", http.NotFoundHandler()) // would collide in one namespace
		})
	}
}

// A failure inside the namespace is the test's failure. The failing test
// runs in a test binary of its own, started here.
func TestPrivateNetworkReportsAFailure(t *testing.T) {
	if os.Getenv("TESTKIT_NETNS_MUST_FAIL") == "1" {
		t.Skip("the failing half runs in TestNetnsFailingChild")
	}
	if why, _ := netnsBlocker("linux", os.Geteuid(), os.Getenv, true); why != "" {
		t.Skip(why)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestNetnsFailingChild$", "-test.v=true", "-test.count=1")
	cmd.Env = append(os.Environ(), "TESTKIT_NETNS_MUST_FAIL=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the run should fail:\n%s", out)
	assert.Contains(t, string(out), "failed in its network namespace")
	assert.Contains(t, string(out), "deliberate failure inside")
	assert.Contains(t, string(out), "--- FAIL: TestNetnsFailingChild")
}

func TestNetnsFailingChild(t *testing.T) {
	if os.Getenv("TESTKIT_NETNS_MUST_FAIL") != "1" {
		t.Skip("run by TestPrivateNetworkReportsAFailure")
	}
	if !PrivateNetwork(t) {
		return
	}
	assert.Fail(t, "deliberate failure inside")
}

func TestNetnsBlocker(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		name     string
		goos     string
		euid     int
		getenv   func(string) string
		haveIP   bool
		wantWhy  string
		wantFail bool
	}{
		{name: "ready", goos: "linux", getenv: env(NetnsOptIn, "1"), haveIP: true},
		{name: "not linux", goos: "darwin", getenv: env(NetnsOptIn, "1", "CI", "true"), haveIP: true, wantWhy: "Linux"},
		{name: "not root", goos: "linux", euid: 1000, getenv: env(NetnsOptIn, "1", "CI", "true"), haveIP: true, wantWhy: "root"},
		{name: "no opt-in", goos: "linux", getenv: env(), haveIP: true, wantWhy: NetnsOptIn + "=1"},
		{name: "no opt-in in CI as root", goos: "linux", getenv: env("CI", "true"), haveIP: true, wantWhy: "loopback-only.sh", wantFail: true},
		{name: "no ip", goos: "linux", getenv: env(NetnsOptIn, "1"), wantWhy: "iproute2"},
		{name: "no ip in CI as root", goos: "linux", getenv: env(NetnsOptIn, "1", "CI", "true"), wantWhy: "iproute2", wantFail: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, fail := netnsBlocker(tt.goos, tt.euid, tt.getenv, tt.haveIP)
			if tt.wantWhy == "" {
				assert.Empty(t, why)
			} else {
				assert.Contains(t, why, tt.wantWhy)
			}
			assert.Equal(t, tt.wantFail, fail)
		})
	}
}

func TestRunPattern(t *testing.T) {
	assert.Equal(t, "^TestX$", runPattern("TestX"))
	assert.Equal(t, `^TestX$/^user-assigned_\(clientId\)$`, runPattern("TestX/user-assigned_(clientId)"))
}

func TestVerdict(t *testing.T) {
	tests := []struct{ name, out, want string }{
		{name: "pass", out: "=== RUN   TestX/a\n--- PASS: TestX/a (0.01s)\nPASS\n", want: "PASS"},
		{name: "skip", out: "--- SKIP: TestX/a (0.00s)\n", want: "SKIP"},
		{name: "fail", out: "--- FAIL: TestX/a (0.00s)\n", want: "FAIL"},
		{name: "another test passed", out: "--- PASS: TestX/ab (0.00s)\n", want: "FAIL"},
		{name: "did not run", out: "testing: warning: no tests to run\nPASS\n", want: "FAIL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, verdict(tt.out, "TestX/a")) })
	}
}
