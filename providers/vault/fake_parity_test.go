package vault_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/openbao"
	"github.com/regcred/regcred/providers/vault/vaulttest"
)

// paritySide is one server of the comparison and the tokens it issued.
type paritySide struct {
	name   string
	do     func(r openbao.Request) (openbao.Response, error)
	tokens map[string]string // role → token
}

// probe is one request sent to both servers. same lists dot paths whose
// values must be equal, typed those whose JSON types must be (ids, times);
// keys those objects whose key sets must be. The status, the top-level
// key set, the auth block's key set and any "errors" are always compared.
type probe struct {
	name, method, path string
	token              string // a role of paritySide.tokens, or a literal
	ns                 string
	body               map[string]any
	same, typed, keys  []string
}

// TestFakeMatchesOpenBao sends the same requests to the fake and to the
// real server and compares the answers' shape: statuses, error bodies,
// envelopes, KV data and metadata, the auth block of logins and renewals.
// The fake stands in for what OpenBao cannot host (Kubernetes, AWS, GCP),
// so what those share with the rest must be what OpenBao says.
func TestFakeMatchesOpenBao(t *testing.T) {
	t.Parallel()
	w := newRealWorld(t)
	fake := vaulttest.New(t)
	kv1, kv2 := w.mountKV(t, "", "kv1", 1), w.mountKV(t, "", "kv2", 2)
	secret := map[string]any{"username": "robot", "password": realPass}
	reader := w.policy(t, "", "reader", kv2+"/data/registry")
	w.bao.Write(t, "", "sys/auth/"+w.id+"-approle", map[string]any{"type": "approle"})
	w.bao.Write(t, "", "auth/"+w.id+"-approle/role/ci", map[string]any{"token_ttl": "1h", "token_policies": []string{reader}})
	roleID := openbao.Data(w.bao.Read(t, "", "auth/"+w.id+"-approle/role/ci/role-id"))["role_id"].(string)
	secretID := openbao.Data(w.bao.Write(t, "", "auth/"+w.id+"-approle/role/ci/secret-id", nil))["secret_id"].(string)
	w.put(t, "", kv1+"/registry", secret)
	for i := 1; i <= 3; i++ {
		w.put(t, "", kv2+"/data/registry", secret)
	}
	w.bao.Write(t, "", kv2+"/delete/registry", map[string]any{"versions": []int{1}})
	w.bao.Write(t, "", kv2+"/destroy/registry", map[string]any{"versions": []int{2}})
	real := paritySide{name: "openbao", do: func(r openbao.Request) (openbao.Response, error) { return w.bao.Do(context.Background(), r) },
		tokens: map[string]string{"root": w.bao.RootToken, "reader": w.token(t, "", "", reader), "none": w.token(t, "", "")}}

	root := fake.Root()
	root.MountKV(kv1, 1)
	root.MountKV(kv2, 2)
	root.PutKV(kv1, "registry", secret)
	for i := 1; i <= 3; i++ {
		root.PutKV(kv2, "registry", secret)
	}
	root.DeleteKV(kv2, "registry", 1)
	root.DestroyKV(kv2, "registry", 2)
	root.Policy(reader, kv2+"/data/registry")
	root.EnableAppRole(w.id+"-approle").Role("ci", roleID, secretID, time.Hour, reader)
	root.Token("fake-root", 0, "root")
	root.Token("fake-reader", 0, reader)
	root.Token("fake-none", 0)
	fakeSide := paritySide{name: "fake", do: fakeDoer(fake.URL), tokens: map[string]string{"root": "fake-root", "reader": "fake-reader", "none": "fake-none"}}

	kvKeys := []string{"data", "data.metadata"}
	kvTyped := []string{"request_id", "data.metadata.created_time", "data.metadata.deletion_time"}
	login := map[string]any{"role_id": roleID, "secret_id": secretID}
	probes := []probe{
		{name: "kv2 read", method: http.MethodGet, path: kv2 + "/data/registry", token: "reader",
			same: []string{"lease_id", "renewable", "lease_duration", "data.data", "data.metadata.version", "data.metadata.destroyed", "warnings", "auth"}, typed: kvTyped, keys: kvKeys},
		{name: "kv2 deleted version", method: http.MethodGet, path: kv2 + "/data/registry?version=1", token: "root",
			same: []string{"data.data", "data.metadata.version", "data.metadata.destroyed"}, typed: kvTyped, keys: kvKeys},
		{name: "kv2 destroyed version", method: http.MethodGet, path: kv2 + "/data/registry?version=2", token: "root",
			same: []string{"data.data", "data.metadata.version", "data.metadata.destroyed", "data.metadata.deletion_time"}, typed: kvTyped, keys: kvKeys},
		{name: "kv2 missing version", method: http.MethodGet, path: kv2 + "/data/registry?version=9", token: "root"},
		{name: "kv2 missing secret", method: http.MethodGet, path: kv2 + "/data/nothing", token: "root"},
		{name: "kv1 read", method: http.MethodGet, path: kv1 + "/registry", token: "root",
			same: []string{"lease_id", "renewable", "lease_duration", "data", "auth"}, typed: []string{"request_id"}},
		{name: "kv1 missing secret", method: http.MethodGet, path: kv1 + "/nothing", token: "root"},
		{name: "mount lookup", method: http.MethodGet, path: "sys/internal/ui/mounts/" + kv2 + "/registry", token: "root",
			same: []string{"data.path", "data.type", "data.options"}},
		{name: "mount lookup without access", method: http.MethodGet, path: "sys/internal/ui/mounts/" + kv2 + "/registry", token: "none"},
		{name: "mount lookup, nothing mounted", method: http.MethodGet, path: "sys/internal/ui/mounts/" + w.id + "-none/x", token: "root"},
		{name: "read without access", method: http.MethodGet, path: kv2 + "/data/registry", token: "none"},
		{name: "read, garbage token", method: http.MethodGet, path: kv2 + "/data/registry", token: "s.garbage-token"},
		{name: "read, no token", method: http.MethodGet, path: kv2 + "/data/registry"},
		{name: "mount lookup, garbage token", method: http.MethodGet, path: "sys/internal/ui/mounts/" + kv2 + "/registry", token: "s.garbage-token"},
		{name: "lookup-self, garbage token", method: http.MethodGet, path: "auth/token/lookup-self", token: "s.garbage-token"},
		{name: "lookup-self", method: http.MethodGet, path: "auth/token/lookup-self", token: "none", typed: []string{"data.ttl", "data.accessor", "data.policies"}},
		{name: "approle login", method: http.MethodPost, path: "auth/" + w.id + "-approle/login", body: login,
			same:  []string{"data", "lease_duration", "auth.lease_duration", "auth.renewable", "auth.policies", "auth.token_policies", "auth.metadata", "auth.token_type", "auth.orphan", "auth.num_uses", "auth.mfa_requirement"},
			typed: []string{"auth.client_token", "auth.accessor", "auth.entity_id"}},
		{name: "approle wrong secret id", method: http.MethodPost, path: "auth/" + w.id + "-approle/login", body: map[string]any{"role_id": roleID, "secret_id": "wrong"}},
		{name: "approle unknown role", method: http.MethodPost, path: "auth/" + w.id + "-approle/login", body: map[string]any{"role_id": "nobody", "secret_id": "wrong"}},
		{name: "login, nothing mounted", method: http.MethodPost, path: "auth/" + w.id + "-nothing/login", body: login},
		{name: "namespace not found", method: http.MethodGet, path: kv2 + "/data/registry", token: "root", ns: w.id + "-nowhere"},
		{name: "renew-self", method: http.MethodPost, path: "auth/token/renew-self", token: "login", body: map[string]any{},
			same:  []string{"auth.lease_duration", "auth.renewable", "auth.policies", "auth.token_type"},
			typed: []string{"auth.client_token", "auth.accessor"}},
	}
	for _, pr := range probes {
		t.Run(pr.name, func(t *testing.T) {
			a, b := real.answer(t, pr, login, w.id), fakeSide.answer(t, pr, login, w.id)
			compareShape(t, pr, a, b)
		})
	}
}

// answer sends pr; the token "login" is a fresh AppRole login's.
func (s paritySide) answer(t *testing.T, pr probe, login map[string]any, id string) map[string]any {
	t.Helper()
	tok, ok := s.tokens[pr.token]
	if !ok {
		tok = pr.token
	}
	if pr.token == "login" {
		r, err := s.do(openbao.Request{Method: http.MethodPost, Path: "auth/" + id + "-approle/login", Body: login})
		require.NoError(t, err)
		var m map[string]any
		_ = json.Unmarshal(r.Body, &m)
		tok, _ = pick(m, "auth.client_token").(string)
	}
	r, err := s.do(openbao.Request{Method: pr.method, Path: pr.path, Token: tok, Namespace: pr.ns, Body: pr.body})
	require.NoError(t, err, "%s", s.name)
	m := map[string]any{}
	if len(bytes.TrimSpace(r.Body)) > 0 {
		require.NoError(t, json.Unmarshal(r.Body, &m), "%s answered %d %q", s.name, r.Status, r.Body)
	}
	m["(status)"] = r.Status
	return m
}

func compareShape(t *testing.T, pr probe, real, fake map[string]any) {
	t.Helper()
	// In each check the expected value is OpenBao's, the actual the fake's.
	require.Equal(t, real["(status)"], fake["(status)"], "status\nopenbao: %v\nfake:    %v", real, fake)
	assert.Equal(t, keySet(real), keySet(fake), "top-level keys")
	assert.Equal(t, real["errors"], fake["errors"], "errors")
	if a, ok := real["auth"].(map[string]any); ok {
		b, _ := fake["auth"].(map[string]any)
		assert.Equal(t, keySet(a), keySet(b), "auth keys")
	}
	for _, p := range pr.same {
		assert.Equal(t, pick(real, p), pick(fake, p), p)
	}
	for _, p := range pr.typed {
		assert.IsType(t, pick(real, p), pick(fake, p), p)
	}
	for _, p := range pr.keys {
		a, _ := pick(real, p).(map[string]any)
		b, _ := pick(fake, p).(map[string]any)
		assert.Equal(t, keySet(a), keySet(b), "keys of %s", p)
	}
}

func keySet(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// pick follows a dot path into decoded JSON; nil when absent.
func pick(m map[string]any, path string) any {
	var v any = m
	for _, part := range strings.Split(path, ".") {
		o, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = o[part]
	}
	return v
}

// fakeDoer speaks to the fake over plain HTTP.
func fakeDoer(base string) func(openbao.Request) (openbao.Response, error) {
	return func(r openbao.Request) (openbao.Response, error) {
		var body io.Reader
		if r.Body != nil {
			b, err := json.Marshal(r.Body)
			if err != nil {
				return openbao.Response{}, err
			}
			body = bytes.NewReader(b)
		}
		req, err := http.NewRequest(r.Method, base+"/v1/"+r.Path, body)
		if err != nil {
			return openbao.Response{}, err
		}
		if r.Token != "" {
			req.Header.Set("X-Vault-Token", r.Token)
		}
		if r.Namespace != "" {
			req.Header.Set("X-Vault-Namespace", r.Namespace)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return openbao.Response{}, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return openbao.Response{Status: resp.StatusCode, Body: b}, err
	}
}
