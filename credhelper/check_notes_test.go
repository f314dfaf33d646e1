package credhelper

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckNotesLoginsDockerNoLongerReaches: check reads docker's
// config.json and notes auths entries docker now asks regcred about that
// regcred cannot answer, and inline credentials a helper shadows.
func TestCheckNotesLoginsDockerNoLongerReaches(t *testing.T) {
	const cfg = "registries:\n  - match: served.example.com\n    static: {username: u, password: p}\n"
	tests := []struct {
		name   string
		docker string
		want   string // in the notes; "" means no note
	}{
		{name: "credsStore switched to regcred, login left in the old store",
			docker: `{"auths":{"old.example.com":{}},"credsStore":"regcred"}`, want: `auths["old.example.com"]`},
		{name: "credsStore regcred and the config serves it",
			docker: `{"auths":{"served.example.com":{}},"credsStore":"regcred"}`},
		{name: "another credsStore",
			docker: `{"auths":{"old.example.com":{}},"credsStore":"desktop"}`},
		{name: "credHelpers regcred over an inline credential",
			docker: `{"auths":{"https://inline.example.com":{"auth":"dTpw"}},"credHelpers":{"inline.example.com":"regcred"}}`, want: "holds a credential docker no longer uses"},
		{name: "no credential anywhere to shadow",
			docker: `{"credsStore":"regcred"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.docker), 0o600))
			ta := newTestApp(t, cfg, map[string]string{"DOCKER_CONFIG": dir})
			out, _ := ta.runString(t, "", "check")
			notes := ""
			if _, after, ok := strings.Cut(out, "\nNotes:\n"); ok {
				notes = after
			}
			if tt.want == "" {
				assert.Empty(t, notes, "report:\n%s", out)
			} else {
				assert.Contains(t, notes, tt.want, "report:\n%s", out)
			}
		})
	}
}
