package credhelper

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
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
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
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
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var stdout, stderr bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return &testApp{
		app: &App{
			Stdout: &stdout, Stderr: &stderr,
			Env: config.Env{LookupEnv: lookup, HomeDir: home},
			Deps: netdeps.Deps{
				HTTPClient: &http.Client{Timeout: time.Second},
				Deps: providers.Deps{
					Now:       time.Now,
					LookupEnv: lookup,
					Logger:    logger,
				},
			},
			Version: "v-fuzz",
		},
		stdout: &stdout, stderr: &stderr,
	}
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
			if !errors.Is(err, config.ErrConfig) || !strings.Contains(err.Error(), path) {
				t.Fatalf("ParseConfig(%q): error %q does not wrap config.ErrConfig and name the file", data, err)
			}
			return
		}
		if cfg.Path != path {
			t.Fatalf("Path = %q", cfg.Path)
		}
		out, err := yaml.Marshal(struct {
			Defaults   *bool          `yaml:"defaults"`
			Registries []config.Entry `yaml:"registries"`
		}{cfg.Defaults, cfg.Registries})
		if err != nil {
			t.Fatalf("marshal accepted config: %v", err)
		}
		again, err := config.Parse(path, out)
		if err != nil {
			t.Fatalf("accepted config %q written as %q does not parse: %v", data, out, err)
		}
		if !sameEntries(cfg.Registries, again.Registries) || (cfg.Defaults == nil) != (again.Defaults == nil) ||
			(cfg.Defaults != nil && *cfg.Defaults != *again.Defaults) {
			t.Fatalf("config %q re-parsed from %q differs", data, out)
		}
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
		if code != 0 && code != 1 {
			t.Fatalf("%s %q: exit %d", verb, stdin, code)
		}
		if code == 1 || verb == "get" {
			if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "\n") {
				t.Fatalf("%s %q (exit %d): stdout is not one line: %q", verb, stdin, code, out)
			}
		}
		switch {
		case code == 0 && verb == "get":
			checkGetAnswer(t, stdin, out)
		case code == 0 && out != "":
			t.Fatalf("%s %q: stdout %q on success", verb, stdin, out)
		case code == 1 && strings.HasPrefix(strings.TrimSpace(out), "{"):
			t.Fatalf("%s %q: error answer looks like JSON: %q", verb, stdin, out)
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
			if leaked && !inControlRun(t, verb, stdin, s) {
				t.Fatalf("%s %q: a secret reached the output:\nstdout: %q\nstderr:\n%s", verb, stdin, out, stderr)
			}
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
	if err := dec.Decode(&got); err != nil || dec.More() {
		t.Fatalf("get %q: answer %q is not one credentials object: %v", stdin, out, err)
	}
	if got.ServerURL != strings.TrimSpace(stdin) {
		t.Fatalf("get %q: ServerURL %q", stdin, got.ServerURL)
	}
	if want, ok := fuzzSecrets[got.Username]; !ok || got.Secret != want {
		t.Fatalf("get %q: answered user %q with a secret not its own", stdin, got.Username)
	}
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
			if out != "" || stderr == "" {
				t.Fatalf("kubelet %q failed with stdout %q, stderr %q", stdin, out, stderr)
			}
		default:
			t.Fatalf("kubelet %q: exit %d", stdin, code)
		}
		// A secret the request also carries as something shown (the
		// image) is the caller's to leak.
		shown := strings.ReplaceAll(stdin, `"serviceAccountToken":"`+fuzzSAToken+`"`, "")
		for _, s := range []string{fuzzSecretA, fuzzSecretB, fuzzSAToken} {
			if !strings.Contains(shown, s) && strings.Contains(stderr, s) {
				t.Fatalf("kubelet %q: stderr holds a secret:\n%s", stdin, stderr)
			}
		}
		if !strings.Contains(shown, fuzzSAToken) && strings.Contains(out, fuzzSAToken) {
			t.Fatalf("kubelet %q: the service-account token is in the answer: %q", stdin, out)
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
	if err := dec.Decode(&resp); err != nil || dec.More() || !strings.HasSuffix(out, "}\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("kubelet %q: answer %q is not one strict response object: %v", stdin, out, err)
	}
	if resp.Kind != kubeletproto.ResponseKind || resp.APIVersion != req.APIVersion {
		t.Fatalf("kubelet %q: answer is %s %s", stdin, resp.Kind, resp.APIVersion)
	}
	switch resp.CacheKeyType {
	case "Image", "Registry", "Global":
	default:
		t.Fatalf("kubelet %q: cacheKeyType %q", stdin, resp.CacheKeyType)
	}
	if resp.CacheDuration != nil {
		if _, err := time.ParseDuration(*resp.CacheDuration); err != nil {
			t.Fatalf("kubelet %q: cacheDuration %q: %v", stdin, *resp.CacheDuration, err)
		}
	}
	for key, a := range resp.Auth {
		if want, ok := fuzzSecrets[a.Username]; !ok || a.Password != want {
			t.Fatalf("kubelet %q: auth[%q] answers user %q with a secret not its own", stdin, key, a.Username)
		}
	}
}
