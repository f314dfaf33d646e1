package dist

import (
	"encoding/json"
	"io/fs"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNFPMConfigContents(t *testing.T) {
	mod := fakeModule(t)
	b, err := NFPMConfig(Platform{"linux", "arm64"}, "deb", Stamp{Version: "v1.2.3", Commit: "abc"}, testEpoch, PackageSources{ModuleDir: mod, BinDir: "/bin-dir"})
	require.NoError(t, err)
	var cfg nfpmConfig
	require.NoError(t, json.Unmarshal(b, &cfg))
	assert.Equal(t, "regcred", cfg.Name)
	assert.Equal(t, "arm64", cfg.Arch)
	assert.Equal(t, "2026-12-05T12:19:51Z", cfg.MTime)
	assert.Equal(t, "1", cfg.Release)
	assert.Equal(t, "regcred", cfg.RPM.BuildHost)
	type file struct {
		src, typ string
		mode     fs.FileMode
	}
	got := map[string]file{}
	for _, c := range cfg.Contents {
		got[c.Dst] = file{src: c.Src, typ: c.Type, mode: c.FileInfo.Mode}
	}
	assert.Equal(t, map[string]file{
		"/usr/bin/docker-credential-regcred":      {src: "/bin-dir/docker-credential-regcred", mode: 0o755},
		"/usr/bin/regcred-engine":                 {src: "/bin-dir/regcred-engine", mode: 0o755},
		"/usr/bin/regcred-fetch":                  {src: "/bin-dir/regcred-fetch", mode: 0o755},
		"/etc/regcred/config.yaml":                {src: filepath.Join(mod, "packaging", "config.yaml"), typ: "config|noreplace", mode: 0o644},
		"/usr/share/doc/regcred/README.md":        {src: filepath.Join(mod, "README.md"), mode: 0o644},
		"/usr/share/doc/regcred/LICENSE":          {src: filepath.Join(mod, "LICENSE"), mode: 0o644},
		"/usr/share/doc/regcred/docs/config.md":   {src: filepath.Join(mod, "docs", "config.md"), mode: 0o644},
		"/usr/share/doc/regcred/docs/security.md": {src: filepath.Join(mod, "docs", "security.md"), mode: 0o644},
	}, got)
}

func TestNFPMConfigNoDocs(t *testing.T) {
	_, err := NFPMConfig(Platform{"linux", "amd64"}, "deb", Stamp{Version: "1", Commit: "c"}, testEpoch, PackageSources{ModuleDir: t.TempDir()})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "package docs")
}

func TestNFPMVersion(t *testing.T) {
	epoch := time.Date(2026, 12, 5, 12, 19, 51, 0, time.UTC)
	tests := []struct {
		name, version, packager string
		want                    nfpmConfig
	}{
		{name: "release", version: "v1.2.3", packager: "deb", want: nfpmConfig{Version: "v1.2.3", VersionSchema: "semver"}},
		{name: "release after a tag", version: "1.2.3-4-gabc1234", packager: "rpm", want: nfpmConfig{Version: "1.2.3-4-gabc1234", VersionSchema: "semver"}},
		{name: "untagged deb", version: "abc1234", packager: "deb", want: nfpmConfig{Version: "0.0.0", VersionSchema: "none", Prerelease: "git20261205121951", VersionMetadata: "abc1234"}},
		{name: "untagged dirty rpm", version: "abc1234-dirty", packager: "rpm", want: nfpmConfig{Version: "0.0.0", VersionSchema: "none", Prerelease: "git20261205121951", VersionMetadata: "abc1234.dirty"}},
		{name: "untagged apk", version: "abc1234", packager: "apk", want: nfpmConfig{Version: "0.0.0", VersionSchema: "none", Prerelease: "git20261205121951"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got nfpmConfig
			nfpmVersion(&got, tt.packager, tt.version, epoch)
			assert.Equal(t, tt.want, got)
		})
	}
}
