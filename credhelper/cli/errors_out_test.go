package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrorsGoWhereTheCallerReads(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr bool
	}{
		{name: "docker get", args: []string{"get"}},
		{name: "kubelet", args: []string{"kubelet"}, stderr: true},
		{name: "kubelet after --config", args: []string{"--config", "/etc/regcred/config.yaml", "kubelet"}, stderr: true},
		{name: "kubelet after --config=", args: []string{"--config=/c.yaml", "kubelet"}, stderr: true},
		{name: "a config file named kubelet", args: []string{"-c", "kubelet", "get"}},
		{name: "check's JSON report", args: []string{"check", "--output", "json"}, stderr: true},
		{name: "setup snippet", args: []string{"setup", "podman"}, stderr: true},
		{name: "configure-docker diff", args: []string{"configure-docker", "--dry-run"}, stderr: true},
		{name: "nothing", args: nil},
		{name: "--config without a verb", args: []string{"--config"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.stderr, ErrorsOnStderr(Verb(tt.args)), "ErrorsOnStderr(Verb(%q))", tt.args)
		})
	}
}
