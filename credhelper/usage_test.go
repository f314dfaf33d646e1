package credhelper

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEveryCommandHasHelp: --help (or -h) after any command or subcommand
// prints that command's usage and exits 0, whatever else is on the line.
func TestEveryCommandHasHelp(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "get", args: []string{"get", "--help"}, want: "read a registry or image on stdin"},
		{name: "kubelet", args: []string{"kubelet", "-h"}, want: "CredentialProviderRequest"},
		{name: "cache", args: []string{"cache", "--help"}, want: "cache clear [REG]"},
		{name: "cache clear", args: []string{"cache", "clear", "--help"}, want: "cache list"},
		{name: "check", args: []string{"check", "--verify", "--help"}, want: "--kubelet-config FILE"},
		{name: "configure-docker", args: []string{"configure-docker", "--help"}, want: "--dry-run"},
		{name: "setup podman", args: []string{"setup", "podman", "--help"}, want: "setup podman|crio|kubelet"},
		{name: "setup kubelet", args: []string{"setup", "kubelet", "--write", "-h"}, want: "--file PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ta := newTestApp(t, "registries: [broken", nil) // help needs no config
			out, code := ta.runString(t, "", tt.args...)
			assert.Equal(t, 0, code, "%v: exit %d\n%s\nstderr: %s", tt.args, code, out, ta.stderr)
			assert.True(t, strings.HasPrefix(out, "Usage: docker-credential-regcred"), "%v: exit %d\n%s\nstderr: %s", tt.args, code, out, ta.stderr)
			assert.Contains(t, out, tt.want, "%v: exit %d\n%s\nstderr: %s", tt.args, code, out, ta.stderr)
		})
	}
}
