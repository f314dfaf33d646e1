package providers

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExpandHome(t *testing.T) {
	withHome := func(k string) (string, bool) { return map[string]string{"HOME": "/home/u"}[k], k == "HOME" }
	noHome := func(string) (string, bool) { return "", false }
	tests := []struct {
		name, path, want string
		env              func(string) (string, bool)
		wantOK           bool
	}{
		{name: "home prefix", path: "~/.vault-token", env: withHome, want: "/home/u/.vault-token", wantOK: true},
		{name: "absolute path untouched", path: "/etc/regcred/pw", env: noHome, want: "/etc/regcred/pw", wantOK: true},
		{name: "tilde inside untouched", path: "a/~/b", env: withHome, want: "a/~/b", wantOK: true},
		{name: "other user's home not expanded", path: "~bob/x", env: withHome, want: "~bob/x", wantOK: true},
		{name: "needs HOME, none set", path: "~/x", env: noHome, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ExpandHome(tt.path, tt.env)
			require.Equal(t, tt.wantOK, ok, "ExpandHome(%q) = %q", tt.path, got)
			if ok {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}
