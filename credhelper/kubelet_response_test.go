package credhelper

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/kubeletproto"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
	"github.com/stretchr/testify/assert"
)

var kubeletNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func expiringIn(user string, d time.Duration) providers.ProviderFunc {
	return func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{Username: user, Secret: "pw-" + providers.Secret(user), ExpiresAt: kubeletNow.Add(d)}, nil
	}
}

// kubeletRun answers one v1 request for image with a fake resolver and
// returns the decoded response.
func kubeletRun(t *testing.T, r *Resolver, image string, sa string) (kubeletproto.Response, error) {
	t.Helper()
	body := fmt.Sprintf(`{"kind":"CredentialProviderRequest","apiVersion":%q,"image":%q`, kubeletproto.V1, image)
	if sa != "" {
		body += fmt.Sprintf(`,"serviceAccountToken":%q,"serviceAccountAnnotations":{"example.com/role":"puller"}`, sa)
	}
	req, err := kubeletproto.ReadRequest(strings.NewReader(body + "}"))
	require.NoError(t, err)
	var out bytes.Buffer
	a := &App{Stdout: &out, Deps: netdeps.Deps{Deps: providers.Deps{Now: func() time.Time { return kubeletNow }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}}
	if err := a.answerKubelet(context.Background(), r, req); err != nil {
		return kubeletproto.Response{}, err
	}
	var resp kubeletproto.Response
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&resp), "decoding %q", out.String())
	return resp, nil
}

func TestKubeletCacheDuration(t *testing.T) {
	none := ""
	tests := []struct {
		name  string
		fakes []*fakeEntry
		want  string // "" = omitted: the kubelet's defaultCacheDuration
	}{
		{name: "long-lived only: the kubelet's default", fakes: []*fakeEntry{{pattern: "reg.test", fn: answer("a")}}, want: none},
		{name: "one hour token minus the margin", fakes: []*fakeEntry{{pattern: "reg.test", fn: expiringIn("a", time.Hour)}}, want: "55m0s"},
		{name: "shortest validity wins", fakes: []*fakeEntry{
			{pattern: "reg.test", fn: expiringIn("ecr", 12*time.Hour)},
			{pattern: "*.test", fn: expiringIn("gcr", time.Hour)},
			{pattern: "reg.test", fn: answer("static")},
		}, want: "55m0s"},
		{name: "whole seconds", fakes: []*fakeEntry{{pattern: "reg.test", fn: expiringIn("a", time.Hour+1500*time.Millisecond)}}, want: "55m1s"},
		{name: "inside the margin: not cached", fakes: []*fakeEntry{{pattern: "reg.test", fn: expiringIn("a", 3*time.Minute)}}, want: "0s"},
		{name: "already expired: not cached", fakes: []*fakeEntry{{pattern: "reg.test", fn: expiringIn("a", -time.Minute)}}, want: "0s"},
		{name: "a failed entry caps a long-lived answer", fakes: []*fakeEntry{
			{pattern: "reg.test", fn: failWith(fmt.Errorf("vault: %w", providers.ErrUnavailable))},
			{pattern: "*.test", fn: answer("b")},
		}, want: "1m0s"},
		{name: "a failed entry caps an expiring answer", fakes: []*fakeEntry{
			{pattern: "reg.test", fn: expiringIn("a", time.Hour)},
			{pattern: "*.test", fn: failWith(providers.ErrDenied)},
		}, want: "1m0s"},
		{name: "the cap never lengthens", fakes: []*fakeEntry{
			{pattern: "reg.test", fn: expiringIn("a", 5*time.Minute+30*time.Second)},
			{pattern: "*.test", fn: failWith(providers.ErrDenied)},
		}, want: "30s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := kubeletRun(t, fakeResolver(t, tt.fakes...), "reg.test/app", "")
			require.NoError(t, err)
			got := ""
			if resp.CacheDuration != nil {
				got = *resp.CacheDuration
			}
			assert.Equal(t, tt.want, got, "cacheDuration")
			assert.NotEmpty(t, resp.Auth, "no credential answered")
		})
	}
}

func TestKubeletSamePatternFirstWins(t *testing.T) {
	primary := &fakeEntry{pattern: "reg.test", fn: answer("primary")}
	fallback := &fakeEntry{pattern: "reg.test", fn: answer("fallback")}
	resp, err := kubeletRun(t, fakeResolver(t, primary, fallback), "reg.test/app", "")
	require.NoError(t, err)
	assert.Len(t, resp.Auth, 1, "want the primary alone under reg.test")
	assert.Equal(t, "primary", resp.Auth["reg.test"].Username, "auth %+v, want the primary under reg.test", resp.Auth)
	// The fallback still answers when the primary fails.
	primary.fn = failWith(providers.ErrNotFound)
	resp, err = kubeletRun(t, fakeResolver(t, primary, fallback), "reg.test/app", "")
	require.NoError(t, err)
	assert.Equal(t, "fallback", resp.Auth["reg.test"].Username, "auth %+v, want the fallback", resp.Auth)
}

func TestKubeletCacheKeyType(t *testing.T) {
	tests := []struct {
		name, image string
		patterns    []string
		want        string
	}{
		{name: "host-level entries only", image: "reg.test/a/b", patterns: []string{"reg.test", "*.test"}, want: "Registry"},
		{name: "a path entry that matched", image: "reg.test/team/b", patterns: []string{"reg.test/team", "reg.test"}, want: "Image"},
		// Under Registry the answer for reg.test/other (host key only) would
		// be reused for reg.test/team/x, hiding the team credential.
		{name: "a path entry of the host that did not match", image: "reg.test/other/b", patterns: []string{"reg.test/team", "reg.test"}, want: "Image"},
		{name: "a path entry of another host", image: "reg.test/a", patterns: []string{"other.test/team", "reg.test"}, want: "Registry"},
		{name: "a path entry of another port", image: "reg.test/a", patterns: []string{"reg.test:5000/team", "reg.test"}, want: "Registry"},
		{name: "a globbed path entry", image: "reg.test/a", patterns: []string{"*.test/team", "reg.test"}, want: "Image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fakes []*fakeEntry
			for _, p := range tt.patterns {
				fakes = append(fakes, &fakeEntry{pattern: p, fn: answer(p)})
			}
			resp, err := kubeletRun(t, fakeResolver(t, fakes...), tt.image, "")
			require.NoError(t, err)
			assert.Equal(t, tt.want, resp.CacheKeyType, "cacheKeyType")
		})
	}
}

// What a backend sees in service-account mode: the token and annotations
// the kubelet sent, for every entry tried; nothing outside it.
func TestKubeletPassesServiceAccount(t *testing.T) {
	var seen []*providers.ServiceAccount
	record := func(ctx context.Context, req providers.Request) (providers.Credential, error) {
		seen = append(seen, req.ServiceAccount)
		return providers.Credential{Username: "u", Secret: "p"}, nil
	}
	r := fakeResolver(t, &fakeEntry{pattern: "reg.test", fn: record, pod: true}, &fakeEntry{pattern: "*.test", fn: record, anyPod: true})
	_, err := kubeletRun(t, r, "reg.test/app", "the-pod-token")
	require.NoError(t, err)
	require.Len(t, seen, 2, "entries tried")
	for i, sa := range seen {
		if assert.NotNil(t, sa, "entry %d saw no service account", i) {
			assert.Equal(t, "the-pod-token", sa.Token.Reveal(), "entry %d saw %+v", i, sa)
			assert.Equal(t, "puller", sa.Annotations["example.com/role"], "entry %d saw %+v", i, sa)
		}
	}
	seen = nil
	_, err = kubeletRun(t, r, "reg.test/app", "")
	require.NoError(t, err)
	for i, sa := range seen {
		assert.Nil(t, sa, "entry %d saw a service account without a token in the request", i)
	}
}

func TestKubeletAllFailedIsError(t *testing.T) {
	r := fakeResolver(t,
		&fakeEntry{pattern: "reg.test", fn: failWith(fmt.Errorf("vault at https://vault:8200: %w", providers.ErrUnavailable))},
		&fakeEntry{pattern: "*.test", fn: failWith(fmt.Errorf("file /run/x: %w", providers.ErrNotFound))},
	)
	_, err := kubeletRun(t, r, "reg.test/app", "")
	var all *AllFailedError
	require.ErrorAs(t, err, &all, "want an *AllFailedError naming both entries")
	require.ErrorContains(t, err, "2 matching entries failed")
}

func TestKubeletAnonymousAfterFailureIsEmpty(t *testing.T) {
	anon := func(context.Context, providers.Request) (providers.Credential, error) {
		return providers.Credential{Anonymous: true}, nil
	}
	r := fakeResolver(t,
		&fakeEntry{pattern: "reg.test/team", fn: failWith(providers.ErrUnavailable)},
		&fakeEntry{pattern: "reg.test", fn: anon},
		&fakeEntry{pattern: "*.test", fn: answer("never")},
	)
	resp, err := kubeletRun(t, r, "reg.test/team/app", "")
	require.NoError(t, err, "an anonymous entry answers, even after a failure")
	assert.Empty(t, resp.Auth, "want an empty answer")
	if assert.NotNil(t, resp.CacheDuration, "response %+v, want an empty answer cached for 0s", resp) {
		assert.Equal(t, "0s", *resp.CacheDuration, "want an empty answer cached for 0s")
	}
}
