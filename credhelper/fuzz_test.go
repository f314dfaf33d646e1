package credhelper

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/kubeletproto"

	"go.yaml.in/yaml/v3"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/credhelper/dockerproto"
)

// The fuzzed App's config holds these secrets; none may appear on an error
// path, in stderr, or anywhere but a successful answer for its own entry.
const (
	fuzzSecretA        = "fuzz-secret-A-7Qx2"    // reg.example.com, from the environment
	fuzzSecretB        = "fuzz-secret-B-inline9" // *.example.org/team, inline in the file
	fuzzSAToken        = "fuzz-sa-token-Zk31vW8" // a kubelet service-account token
	fuzzConfigTemplate = `defaults: false
cache: {store: file, dir: CACHE_DIR}
registries:
  - match: reg.example.com
    static: {username: alice, passwordEnv: PW_A}
  - match: "*.example.org/team"
    static: {username: bob, password: ` + fuzzSecretB + `}
  - match: broken.example.com
    static: {username: carol, passwordFile: /nonexistent/regcred-fuzz/pw}
  - match: public.example.net
    anonymous: {}
`
)

var fuzzSecrets = map[string]string{"alice": fuzzSecretA, "bob": fuzzSecretB}

// newFuzzApp is newTestApp for fuzz bodies: a fresh home and cache dir per
// input, so one input's stored login never answers another's get.
func newFuzzApp(t *testing.T) *testApp {
	home := t.TempDir()
	cfg := filepath.Join(home, "config.yaml")
	yml := strings.Replace(fuzzConfigTemplate, "CACHE_DIR", strconv.Quote(filepath.Join(home, "cache")), 1)
	require.NoError(t, os.WriteFile(cfg, []byte(yml), 0o600))
	env := map[string]string{"REGCRED_CONFIG": cfg, "PW_A": fuzzSecretA, "HOME": home, "XDG_DATA_HOME": filepath.Join(home, "data")}
	for k, v := range offMachine {
		env[k] = v
	}
	return wireTestApp(home, env, time.Second)
}

// FuzzParseConfig: never panics; every error wraps config.ErrConfig and names the
// file; an accepted config written back out parses to the same entries.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"", "registries: []\n", "defaults: false\n",
		"cache: {store: file, dir: /tmp/x, ttl: 10m}\nregistries:\n  - match: a.io\n    anonymous: {}\n",
		"registries:\n  - match: \"REG.example.com:443/team\"\n    name: team\n    static: {username: u, passwordFile: /run/pw}\n",
		"registries:\n  - match: \"*.example.com\"\n    verify: true\n    static: {username: u, passwordEnv: PW}\n",
		"registries:\n  - match: a.io\n    vault: {address: https://v.example.com, path: secret/app, auth: {method: token}}\n",
		"registries:\n  - match: \"*.dkr.ecr.*.amazonaws.com\"\n    ecr: {}\n  - match: gcr.io\n    gcr: {}\n",
		"registries:\n  - match: a.io\n    anonymous: {}\n    static: {username: u, password: p}\n",
		"registries: [\n", "registries:\n  - match: a.io\n    match: b.io\n", "a: 1\n---\nb: 2\n",
		"registries:\n  - &x {match: a.io, anonymous: {}}\n  - *x\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		const path = "fuzzdir/regcred.yaml"
		cfg, err := config.Parse(path, []byte(data))
		if err != nil {
			require.ErrorIs(t, err, config.ErrConfig, "ParseConfig(%q)", data)
			require.ErrorContains(t, err, path, "ParseConfig(%q): the error does not name the file", data)
			return
		}
		require.Equal(t, path, cfg.Path, "Path")
		out, err := yaml.Marshal(struct {
			Defaults   *bool          `yaml:"defaults"`
			Registries []config.Entry `yaml:"registries"`
		}{cfg.Defaults, cfg.Registries})
		require.NoError(t, err, "marshal accepted config")
		again, err := config.Parse(path, out)
		require.NoError(t, err, "accepted config %q written as %q does not parse", data, out)
		require.True(t, sameEntries(cfg.Registries, again.Registries), "config %q re-parsed from %q: the entries differ", data, out)
		require.Equal(t, cfg.Defaults, again.Defaults, "config %q re-parsed from %q: defaults differ", data, out)
	})
}

func sameEntries(a, b []config.Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Kind() != y.Kind() || x.Pattern() != y.Pattern() || x.Name != y.Name || x.Verify != y.Verify || x.Match != y.Match {
			return false
		}
		xs, _ := yaml.Marshal(x)
		ys, _ := yaml.Marshal(y)
		if !bytes.Equal(xs, ys) {
			return false
		}
	}
	return true
}

// FuzzDockerProtocol drives get, store and erase with any stdin: exit 0 or
// 1; stdout is one complete line — get's JSON answer on success, nothing
// for store and erase, one message (never JSON) on failure; no configured
// secret and no stored secret ever reaches stderr or an error.
func FuzzDockerProtocol(f *testing.F) {
	for _, s := range []string{
		"reg.example.com", "https://reg.example.com/v1/", "a.example.org/team/app", "b.example.org/other",
		"broken.example.com", "public.example.net", "nowhere.io", "", "\n", "UPPER.io/X", "user:" + fuzzSecretA + "@reg.example.com",
		`{"ServerURL":"reg.example.com","Username":"alice","Secret":"` + fuzzSecretA + `"}`,
		`{"ServerURL":"new.example.io","Username":"dora","Secret":"stored-secret-1"}`,
		`{"ServerURL":"bad url","Username":"u","Secret":"s3cr3t-value"}`,
		`{"ServerURL":"x.io","Username":"","Secret":"s3cr3t-value"}`,
		`{"ServerURL":"x.io","Username":"u","Secret":"s3cr3t-val`,
		`{"ServerURL":1,"Secret":"s3cr3t-value"}`,
	} {
		for verb := range uint8(3) {
			f.Add(verb, s)
		}
	}
	f.Fuzz(func(t *testing.T, verbN uint8, stdin string) {
		verb := []string{"get", "store", "erase"}[int(verbN)%3]
		ta := newFuzzApp(t)
		out, code := ta.runString(t, stdin, verb)
		stderr := ta.stderr.String()
		require.Contains(t, []int{0, 1}, code, "%s %q: exit", verb, stdin)
		if code == 1 || verb == "get" {
			require.Equal(t, 1, strings.Count(out, "\n"), "%s %q (exit %d): stdout is not one line: %q", verb, stdin, code, out)
			require.True(t, strings.HasSuffix(out, "\n"), "%s %q (exit %d): stdout is not one line: %q", verb, stdin, code, out)
		}
		switch {
		case code == 0 && verb == "get":
			checkGetAnswer(t, stdin, out)
		case code == 0:
			require.Empty(t, out, "%s %q: stdout on success", verb, stdin)
		case code == 1:
			require.False(t, strings.HasPrefix(strings.TrimSpace(out), "{"), "%s %q: error answer looks like JSON: %q", verb, stdin, out)
		}
		secrets := []string{fuzzSecretA, fuzzSecretB}
		if s := storedSecret(stdin); verb == "store" && len(s) >= 6 {
			secrets = append(secrets, s)
		}
		for _, s := range secrets {
			if callersOwn(verb, stdin, s) {
				continue
			}
			leaked := strings.Contains(stderr, s) || (code == 1 && strings.Contains(out, s))
			require.False(t, leaked && !inControlRun(t, verb, stdin, s), "%s %q: a secret reached the output:\nstdout: %q\nstderr:\n%s", verb, stdin, out, stderr)
		}
	})
}

// inControlRun reruns a store with its Secret replaced and reports
// whether s still shows: then it is the text of a message ("login
// stored"), not the secret.
func inControlRun(t *testing.T, verb, stdin, s string) bool {
	if verb != "store" {
		return false
	}
	var c dockerproto.Credentials
	if json.Unmarshal([]byte(stdin), &c) != nil {
		return false
	}
	c.Secret = "x"
	control, _ := json.Marshal(c)
	ta := newFuzzApp(t)
	out, _ := ta.runString(t, string(control), verb)
	return strings.Contains(out+ta.stderr.String(), s)
}

// checkGetAnswer: the answer decodes strictly, echoes the request, and
// carries the secret of the entry whose username it names.
func checkGetAnswer(t *testing.T, stdin, out string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var got dockerproto.Credentials
	require.NoError(t, dec.Decode(&got), "get %q: answer %q is not one credentials object", stdin, out)
	require.False(t, dec.More(), "get %q: answer %q is not one credentials object", stdin, out)
	require.Equal(t, strings.TrimSpace(stdin), got.ServerURL, "get %q: ServerURL", stdin)
	want, ok := fuzzSecrets[got.Username]
	// Compared as a bool: the message names the user, not the secrets.
	require.True(t, ok && got.Secret == want, "get %q: answered user %q with a secret not its own", stdin, got.Username)
}

// callersOwn reports whether the caller sent s as something shown in
// messages: anywhere in get's or erase's stdin (a registry name), or in a
// store payload other than as its Secret.
func callersOwn(verb, stdin, s string) bool {
	if verb != "store" {
		return strings.Contains(stdin, s)
	}
	return inOtherField(stdin, s)
}

// storedSecret is the Secret of a store payload, "" when there is none.
func storedSecret(stdin string) string {
	var c dockerproto.Credentials
	if json.Unmarshal([]byte(stdin), &c) != nil {
		return ""
	}
	return c.Secret
}

// inOtherField reports whether s appears in the input other than as the
// store payload's Secret: a secret typed as a registry name is the
// caller's leak, not ours.
func inOtherField(stdin, s string) bool {
	var c dockerproto.Credentials
	if json.Unmarshal([]byte(stdin), &c) != nil {
		return strings.Contains(stdin, s)
	}
	return strings.Contains(c.ServerURL, s) || strings.Contains(c.Username, s) ||
		(c.Secret != s && strings.Contains(c.Secret, s)) || strings.Count(stdin, s) > 1
}

// FuzzKubeletRequest: errors go to stderr with an empty stdout; a success
// is exactly one response object the kubelet can decode strictly, for the
// request's apiVersion, answering only the configured secrets; the
// service-account token never appears in any output.
func FuzzKubeletRequest(f *testing.F) {
	const v1 = "credentialprovider.kubelet.k8s.io/v1"
	for _, s := range []string{
		kubeletRequestJSON(v1, "reg.example.com/app"),
		kubeletRequestJSON("credentialprovider.kubelet.k8s.io/v1beta1", "a.example.org/team/app"),
		kubeletRequestJSON("credentialprovider.kubelet.k8s.io/v1alpha1", "public.example.net/x"),
		kubeletRequestJSON(v1, "broken.example.com/x"),
		kubeletRequestJSON(v1, "nowhere.io/x"),
		`{"kind":"CredentialProviderRequest","apiVersion":"` + v1 + `","image":"reg.example.com/app","serviceAccountToken":"` + fuzzSAToken + `","serviceAccountAnnotations":{"a":"b"}}`,
		`{"kind":"CredentialProviderRequest","apiVersion":"` + v1 + `","image":"reg.example.com/app","serviceAccountToken":"` + fuzzSAToken + `","serviceAccountAnnotations":{"a":1}}`,
		`{"kind":"CredentialProviderRequest","apiVersion":"` + v1 + `","image":"UPPER/` + fuzzSAToken + `","serviceAccountToken":1}`,
		`{"kind":"CredentialProviderRequest","apiVersion":"` + v1 + `","image":"x.io","image":"y.io"}`,
		`{"kind":"CredentialProviderRequest"`, `[]`, ``, `{}`, `{"kind":"X","apiVersion":"` + v1 + `","image":"x.io"} {}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, stdin string) {
		ta := newFuzzApp(t)
		out, code := ta.runString(t, stdin, "kubelet")
		stderr := ta.stderr.String()
		switch code {
		case 0:
			checkKubeletAnswer(t, stdin, out)
		case 1:
			require.Empty(t, out, "kubelet %q failed with stdout, stderr %q", stdin, stderr)
			require.NotEmpty(t, stderr, "kubelet %q failed without a message on stderr", stdin)
		default:
			require.Failf(t, "unexpected exit", "kubelet %q: exit %d", stdin, code)
		}
		// A secret the request also carries as something shown (the
		// image) is the caller's to leak.
		shown := strings.ReplaceAll(stdin, `"serviceAccountToken":"`+fuzzSAToken+`"`, "")
		for _, s := range []string{fuzzSecretA, fuzzSecretB, fuzzSAToken} {
			if !strings.Contains(shown, s) {
				require.NotContains(t, stderr, s, "kubelet %q: stderr holds a secret", stdin)
			}
		}
		if !strings.Contains(shown, fuzzSAToken) {
			require.NotContains(t, out, fuzzSAToken, "kubelet %q: the service-account token is in the answer", stdin)
		}
	})
}

type fuzzKubeletAuth struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type fuzzKubeletResponse struct {
	Kind          string                     `json:"kind"`
	APIVersion    string                     `json:"apiVersion"`
	CacheKeyType  string                     `json:"cacheKeyType"`
	CacheDuration *string                    `json:"cacheDuration,omitempty"`
	Auth          map[string]fuzzKubeletAuth `json:"auth"`
}

func checkKubeletAnswer(t *testing.T, stdin, out string) {
	t.Helper()
	var req struct {
		APIVersion string `json:"apiVersion"`
	}
	_ = json.Unmarshal([]byte(stdin), &req)
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var resp fuzzKubeletResponse
	require.NoError(t, dec.Decode(&resp), "kubelet %q: answer %q is not one strict response object", stdin, out)
	require.False(t, dec.More(), "kubelet %q: answer %q is not one response object", stdin, out)
	require.True(t, strings.HasSuffix(out, "}\n"), "kubelet %q: answer %q does not end in one object and a newline", stdin, out)
	require.Equal(t, 1, strings.Count(out, "\n"), "kubelet %q: answer %q is not one line", stdin, out)
	require.Equal(t, kubeletproto.ResponseKind, resp.Kind, "kubelet %q: answer kind", stdin)
	require.Equal(t, req.APIVersion, resp.APIVersion, "kubelet %q: answer apiVersion", stdin)
	require.Contains(t, []string{"Image", "Registry", "Global"}, resp.CacheKeyType, "kubelet %q: cacheKeyType", stdin)
	if resp.CacheDuration != nil {
		_, err := time.ParseDuration(*resp.CacheDuration)
		require.NoError(t, err, "kubelet %q: cacheDuration %q", stdin, *resp.CacheDuration)
	}
	for key, a := range resp.Auth {
		want, ok := fuzzSecrets[a.Username]
		// Compared as a bool: the message names the user, not the secrets.
		require.True(t, ok && a.Password == want, "kubelet %q: auth[%q] answers user %q with a secret not its own", stdin, key, a.Username)
	}
}
