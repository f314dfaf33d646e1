package matcher

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzNormalize checks the properties every request must have: no panic,
// short errors wrapping ErrInvalidRequest, canonical targets that read back
// as themselves and that their own pattern matches.
func FuzzNormalize(f *testing.F) {
	for _, tc := range matchCases {
		f.Add(tc.request)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Normalize(s)
		if err != nil {
			require.ErrorIs(t, err, ErrInvalidRequest, "Normalize(%s): error", quote(s))
			require.LessOrEqual(t, len(err.Error()), 300, "Normalize(%s): error %q", quote(s), err)
			return
		}
		checkCanonical(t, s, got)
	})
}

func checkCanonical(t *testing.T, s string, got Target) {
	t.Helper()
	require.NotEmpty(t, got.Host, "Normalize(%s) = %+v: host not canonical", quote(s), got)
	require.Equal(t, strings.ToLower(got.Host), got.Host, "Normalize(%s) = %+v: host not canonical", quote(s), got)
	require.NotEqual(t, "index.docker.io", got.Host, "Normalize(%s) = %+v: host not canonical", quote(s), got)
	require.NotEqual(t, "443", got.Port, "Normalize(%s) = %+v: port not canonical", quote(s), got)
	require.False(t, strings.HasPrefix(got.Port, "0"), "Normalize(%s) = %+v: port not canonical", quote(s), got)
	require.False(t, strings.HasPrefix(got.Path, "/") || strings.HasSuffix(got.Path, "/"), "Normalize(%s) = %+v: path not canonical", quote(s), got)
	require.False(t, strings.ContainsAny(got.Path, ":@"), "Normalize(%s) = %+v: path not canonical", quote(s), got)
	again, err := Normalize(got.String())
	if err != nil || again != got {
		require.True(t, urlOnly(got), "Normalize(%s) = %+v, but Normalize(%q) = %+v, %v", quote(s), got, got.String(), again, err)
	}
	p, err := ParsePattern(got.String())
	require.NoError(t, err, "pattern %q of Normalize(%s)", got.String(), quote(s))
	require.True(t, p.Match(got), "pattern %q of Normalize(%s) = %v does not match %+v", got.String(), quote(s), p, got)
}

// urlOnly reports the one kind of target without a scheme-less spelling.
func urlOnly(t Target) bool {
	return t.Port == "" && t.Host != "localhost" && !strings.ContainsAny(t.Host, ".[")
}

func TestErrorsStayShortAndKeepSecrets(t *testing.T) {
	const secret = "hunter2-s3cret"
	tests := []struct {
		name, in string
	}{
		{name: "megabyte of garbage", in: strings.Repeat("x", 1<<20)},
		{name: "long bad port", in: "gcr.io:" + strings.Repeat("9", 4000)},
		{name: "long bad component", in: "gcr.io/" + strings.Repeat("A", 4000)},
		{name: "long bad scheme", in: strings.Repeat("s", 4000) + "://gcr.io"},
		{name: "url userinfo with bad port", in: "https://user:" + secret + "@gcr.io:bad/x"},
		{name: "url userinfo with bad path", in: "https://user:" + secret + "@gcr.io/UPPER"},
		{name: "userinfo without scheme", in: "user:" + secret + "@gcr.io"},
		{name: "userinfo without scheme and path", in: "user:" + secret + "@gcr.io/app"},
		{name: "userinfo before a scheme separator", in: "user:" + secret + "://gcr.io"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Normalize(tc.in)
			require.Error(t, err, "Normalize(%s) succeeded", quote(tc.in))
			assert.LessOrEqual(t, len(err.Error()), 200, "error %q is too long", err)
			assert.NotContains(t, err.Error(), secret, "the error leaks the secret")
			_, err = ParsePattern(tc.in)
			require.Error(t, err, "ParsePattern(%s) succeeded", quote(tc.in))
			assert.LessOrEqual(t, len(err.Error()), 200, "pattern error %q is too long", err)
			assert.NotContains(t, err.Error(), secret, "the pattern error leaks the secret")
		})
	}
}
