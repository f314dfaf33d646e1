package credhelper

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBuildStamped(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-trimpath", Value: "true"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	tests := []struct {
		name  string
		build Build
		bi    *debug.BuildInfo
		ok    bool
		want  Build
	}{
		{name: "linker flags win", build: Build{Version: "v1.2.0", Commit: "abc"},
			bi: &debug.BuildInfo{Main: debug.Module{Version: "v9.9.9"}, Settings: vcs("fff", "true")}, ok: true,
			want: Build{Version: "v1.2.0", Commit: "abc"}},
		{name: "go install at a version", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.3.0"}}, ok: true,
			want: Build{Version: "v1.3.0", Commit: "unknown"}},
		{name: "a checkout, clean", build: Build{Version: "dev"}, bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123abc", "false")}, ok: true,
			want: Build{Version: "dev", Commit: "0123abc"}},
		{name: "a checkout with changes", bi: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261205-0123abc+dirty"}, Settings: vcs("0123abc", "true")}, ok: true,
			want: Build{Version: "v0.0.0-20261205-0123abc+dirty", Commit: "0123abc-dirty"}},
		{name: "commit from the linker, version from the module", build: Build{Commit: "c0ffee"}, bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.4.0"}, Settings: vcs("fff", "false")}, ok: true,
			want: Build{Version: "v1.4.0", Commit: "c0ffee"}},
		{name: "no build information", ok: false, want: Build{Version: "dev", Commit: "unknown"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.build.Stamped(tt.bi, tt.ok))
		})
	}
}

func TestDockerVersionSaysCommitGoAndPlatform(t *testing.T) {
	ta := newTestApp(t, "registries: [broken", nil)
	ta.app.Commit = "0123abc"
	out, code := ta.runString(t, "", "version")
	assert.Equal(t, 0, code)
	assert.Equal(t, "docker-credential-regcred (github.com/regcred/regcred) v-test\n"+
		"commit:   0123abc\ngo:       "+runtime.Version()+"\nplatform: "+runtime.GOOS+"/"+runtime.GOARCH+"\n", out)
}
