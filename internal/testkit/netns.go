package testkit

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// NetnsOptIn is the variable that lets PrivateNetwork make network
// namespaces (testdata/loopback-only.sh sets it): a test that adds
// addresses to a loopback must never do it on a developer's own.
const NetnsOptIn = "REGCRED_TEST_NETNS"

// netnsChild marks the re-executed test binary; its value is the name of
// the test it runs.
const netnsChild = "REGCRED_TEST_NETNS_CHILD"

// PrivateNetwork runs the calling test in a network namespace of its own,
// where only the loopback device is up and holds ips besides 127.0.0.1
// (169.254.169.254, say): code that dials a cloud's fixed metadata address
// reaches a fake served there with ServeHTTPAt, unchanged.
//
// A network namespace belongs to a thread, and Go moves goroutines between
// threads, so the test is not switched in place: the test binary runs
// itself again, in a new namespace, with only this test selected
// (-test.run), and its result becomes the test's. It reports whether the
// caller is that re-executed run; the original gets false once the result
// is in, and must return:
//
//	if !testkit.PrivateNetwork(t, "169.254.169.254") {
//		return
//	}
//
// Each call is a process of its own, so process-wide state (a library's
// token cache) cannot carry from one test to the next. Code of the test
// function before the call runs in both processes.
//
// It needs Linux, root and NetnsOptIn=1; without them the test is
// skipped, but with CI=true a missing opt-in or `ip` fails it.
func PrivateNetwork(t *testing.T, ips ...string) bool {
	t.Helper()
	for _, ip := range ips {
		require.NotNil(t, net.ParseIP(ip), "PrivateNetwork: %q is not an IP address", ip)
	}
	if os.Getenv(netnsChild) != "" {
		setUpLoopback(t, ips)
		return true
	}
	_, ipErr := exec.LookPath("ip")
	if why, fail := netnsBlocker(runtime.GOOS, os.Geteuid(), os.Getenv, ipErr == nil); why != "" {
		if fail {
			require.FailNow(t, "PrivateNetwork: "+why)
		}
		t.Skip("needs a network namespace of its own: " + why)
	}
	runInNamespace(t)
	return false
}

// netnsBlocker says why PrivateNetwork cannot run here ("" when it can),
// and whether that is a failure rather than a skip: in CI, as root, a test
// that cannot run is a test missing.
func netnsBlocker(goos string, euid int, getenv func(string) string, haveIP bool) (why string, fail bool) {
	ci := getenv("CI") == "true"
	switch {
	case goos != "linux":
		return "network namespaces are Linux's", false
	case euid != 0:
		return "making a network namespace needs root", false
	case !haveIP:
		return "no `ip` (iproute2) on PATH", ci
	case getenv(NetnsOptIn) != "1":
		return "set " + NetnsOptIn + "=1 (testdata/loopback-only.sh does) to let tests make network namespaces", ci
	}
	return "", false
}

// runInNamespace runs this one test again in a child process in a new
// network namespace and reports its result as this test's.
func runInNamespace(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	args := []string{"-test.run=" + runPattern(t.Name()), "-test.count=1", "-test.v=true"}
	if d, ok := t.Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, d)
		defer cancel()
		// Never 0, which would mean no timeout at all.
		args = append(args, "-test.timeout="+max(time.Until(d), time.Second).String())
	}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), netnsChild+"="+t.Name())
	cmd.SysProcAttr = newNetnsAttr()
	out, err := cmd.CombinedOutput()
	switch verdict(string(out), t.Name()) {
	case "PASS":
		t.Logf("in a network namespace of its own:\n%s", out)
		require.NoError(t, err, "the test passed, but its process failed:\n%s", out)
	case "SKIP":
		t.Skipf("skipped in its network namespace:\n%s", out)
	default:
		require.Failf(t, "failed in its network namespace", "%v\n%s", err, out)
	}
}

// runPattern is a -test.run pattern selecting exactly the test called name
// (subtests included, each level anchored).
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// verdict reads the result of test name from `go test -v` output: PASS,
// SKIP, or FAIL (also when the test did not run at all).
func verdict(out, name string) string {
	for _, v := range []string{"PASS", "SKIP"} {
		if strings.Contains(out, "--- "+v+": "+name+" (") {
			return v
		}
	}
	return "FAIL"
}

// setUpLoopback brings lo up in the child's namespace and adds ips to it.
// It first checks lo is the only device: a child that somehow runs in the
// machine's own namespace must not touch the machine's loopback.
func setUpLoopback(t *testing.T, ips []string) {
	t.Helper()
	ifs, err := net.Interfaces()
	require.NoError(t, err)
	for _, i := range ifs {
		require.Equal(t, "lo", i.Name, "PrivateNetwork: not in a namespace of its own (a device %s)", i.Name)
	}
	for _, ip := range ips {
		if strings.Contains(ip, ":") {
			// nodad: usable at once, not "tentative" (unbindable) while
			// duplicate address detection runs.
			ipCmd(t, "addr", "replace", ip+"/128", "dev", "lo", "nodad")
			continue
		}
		ipCmd(t, "addr", "replace", ip+"/32", "dev", "lo")
	}
	// Up last: the addresses' routes come with it.
	ipCmd(t, "link", "set", "lo", "up")
}

func ipCmd(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	require.NoError(t, err, "ip %s: %s", strings.Join(args, " "), out)
}

// ServeHTTPAt serves h on the fixed address addr ("169.254.169.254:80")
// until the test ends, and returns its base URL. In a PrivateNetwork
// namespace that is how a fake takes a cloud's metadata address.
func ServeHTTPAt(t testing.TB, addr string, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	require.NoError(t, err, "listening on %s", addr)
	s := httptest.NewUnstartedServer(h)
	require.NoError(t, s.Listener.Close())
	s.Listener = ln
	s.Start()
	t.Cleanup(s.Close)
	return s.URL
}
