package matcher

import (
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzMatch checks what a match promises, independently of how Match finds
// it: the port is equal, a plain host is equal, a globbed host has the same
// number of labels with every plain label equal and every globbed one
// matching that one label, and a path-scoped pattern matches its own
// repository or one below it, never a sibling sharing a prefix ("team" vs
// "teammate"). Match also agrees with the pattern's own String() form.
func FuzzMatch(f *testing.F) {
	for _, tc := range matchCases {
		for _, p := range tc.patterns {
			f.Add(p, tc.request)
		}
	}
	for _, seed := range [][2]string{
		{"*.example.com", "a.example.com/x"},
		{"*.example.com", "a.b.example.com/x"},
		{"*.example.com", "example.com"},
		{"reg.io/team", "reg.io/teammate/app"},
		{"reg.io/team", "reg.io/team/app"},
		{"reg.io/team/app", "reg.io/team"},
		{"a?c.io:5000", "abc.io:5000/x"},
		{"[a-c]*.io", "b.io"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, request string) {
		p, err := ParsePattern(pattern)
		if err != nil {
			return
		}
		tgt, err := Normalize(request)
		if err != nil {
			return
		}
		if !p.Match(tgt) {
			return
		}
		require.Equal(t, tgt.Port, p.Port(), "%q matches %+v across ports", p, tgt)
		checkHostMatch(t, p, tgt)
		pp := p.Path()
		if pp != "" && tgt.Path != "" && tgt.Path != pp {
			require.True(t, strings.HasPrefix(tgt.Path, pp+"/"), "%q matches %+v across a '/' boundary", p, tgt)
		}
		again, err := ParsePattern(p.String())
		require.NoError(t, err, "pattern %q read back from %q", p.String(), pattern)
		require.True(t, again.Match(tgt), "pattern %q read back from %q = %v does not match %+v", p.String(), pattern, again, tgt)
	})
}

func checkHostMatch(t *testing.T, p Pattern, tgt Target) {
	t.Helper()
	if !p.HasGlob() {
		require.Equal(t, tgt.Host, p.Host(), "plain %q matches host %q", p, tgt.Host)
		return
	}
	pl, hl := strings.Split(p.Host(), "."), strings.Split(tgt.Host, ".")
	require.Len(t, pl, len(hl), "glob %q matches %q across a label", p, tgt.Host)
	require.False(t, strings.HasPrefix(tgt.Host, "["), "glob %q matches %q across a label", p, tgt.Host)
	for i := range pl {
		if !strings.ContainsAny(pl[i], "*?[") {
			require.Equal(t, hl[i], pl[i], "glob %q: plain label %q matches %q", p, pl[i], hl[i])
		}
		ok, _ := path.Match(pl[i], hl[i])
		require.True(t, ok, "glob %q: label %q matches %q", p, pl[i], hl[i])
		require.NotContains(t, hl[i], ".", "glob %q: label %q matches", p, pl[i])
	}
}
