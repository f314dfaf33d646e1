package dist

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func testArchives() []Archive {
	var as []Archive
	for i, p := range DefaultPlatforms() {
		dir := "regcred_1.2.3_" + p.OS + "_" + p.Arch
		file := dir + ".tar.gz"
		if p.OS == "windows" {
			file = dir + ".zip"
		}
		as = append(as, Archive{
			Platform: p, Dir: dir, File: file,
			URL:    ArchiveURL("https://example.com/dl/VERSION", "1.2.3", file),
			SHA256: strings.Repeat(string(rune('a'+i)), 64),
		})
	}
	return as
}

func TestArchiveURL(t *testing.T) {
	tests := []struct{ name, base, want string }{
		{name: "version replaced", base: "https://h/releases/download/VERSION", want: "https://h/releases/download/v1/f.zip"},
		{name: "trailing slash", base: "https://h/VERSION/", want: "https://h/v1/f.zip"},
		{name: "no VERSION", base: "https://h/latest", want: "https://h/latest/f.zip"},
		{name: "twice", base: "https://h/VERSION/regcred-VERSION", want: "https://h/v1/regcred-v1/f.zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ArchiveURL(tt.base, "v1", "f.zip"))
		})
	}
}

// formulaBlock is the text of the formula's `on_<os> do` … `on_<arch> do`
// block, up to its end.
func formulaBlock(t *testing.T, formula, os, arch string) string {
	t.Helper()
	_, rest, ok := strings.Cut(formula, "  on_"+os+" do\n")
	require.True(t, ok, "no on_%s in\n%s", os, formula)
	rest, _, _ = strings.Cut(rest, "\n  end\n")
	_, block, ok := strings.Cut(rest, "    on_"+arch+" do\n")
	require.True(t, ok, "no on_%s in on_%s of\n%s", arch, os, formula)
	block, _, _ = strings.Cut(block, "    end")
	return block
}

func TestFormula(t *testing.T) {
	as := testArchives()
	b, err := Formula("1.2.3", as)
	require.NoError(t, err)
	f := string(b)
	assert.Contains(t, f, `version "1.2.3"`)
	assert.Contains(t, f, `bin.install "docker-credential-regcred", "regcred-engine", "regcred-fetch"`)
	for _, a := range as {
		if a.Platform.OS == "windows" {
			assert.NotContains(t, f, a.URL)
			assert.NotContains(t, f, a.SHA256)
			continue
		}
		os := map[string]string{"darwin": "macos", "linux": "linux"}[a.Platform.OS]
		arch := map[string]string{"amd64": "intel", "arm64": "arm"}[a.Platform.Arch]
		block := formulaBlock(t, f, os, arch)
		assert.Equal(t, `      url "`+a.URL+`"`+"\n"+`      sha256 "`+a.SHA256+`"`+"\n", block, "%s", a.Platform)
	}
}

func TestFormulaOneOS(t *testing.T) {
	b, err := Formula("1.2.3", testArchives()[:1]) // linux/amd64
	require.NoError(t, err)
	assert.NotContains(t, string(b), "on_macos")
	assert.Contains(t, formulaBlock(t, string(b), "linux", "intel"), testArchives()[0].URL)
	b, err = Formula("1.2.3", testArchives()[4:]) // windows
	require.NoError(t, err)
	assert.Nil(t, b, "a formula without darwin or linux archives")
}

type wingetManifest struct {
	PackageIdentifier string `yaml:"PackageIdentifier"`
	PackageVersion    string `yaml:"PackageVersion"`
	ManifestType      string `yaml:"ManifestType"`
	Installers        []struct {
		Architecture         string `yaml:"Architecture"`
		InstallerType        string `yaml:"InstallerType"`
		NestedInstallerType  string `yaml:"NestedInstallerType"`
		NestedInstallerFiles []struct {
			RelativeFilePath     string `yaml:"RelativeFilePath"`
			PortableCommandAlias string `yaml:"PortableCommandAlias"`
		} `yaml:"NestedInstallerFiles"`
		InstallerURL    string `yaml:"InstallerUrl"`
		InstallerSha256 string `yaml:"InstallerSha256"`
	} `yaml:"Installers"`
}

func TestWingetManifest(t *testing.T) {
	as := testArchives()
	b, err := WingetManifest("1.2.3", as)
	require.NoError(t, err)
	var m wingetManifest
	require.NoError(t, yaml.Unmarshal(b, &m), "%s", b)
	assert.Equal(t, "Regcred.Regcred", m.PackageIdentifier)
	assert.Equal(t, "1.2.3", m.PackageVersion)
	assert.Equal(t, "singleton", m.ManifestType)
	require.Len(t, m.Installers, 2)
	for i, want := range []struct {
		arch string
		a    Archive
	}{{arch: "x64", a: as[4]}, {arch: "arm64", a: as[5]}} {
		in := m.Installers[i]
		assert.Equal(t, want.arch, in.Architecture)
		assert.Equal(t, want.a.URL, in.InstallerURL)
		assert.Equal(t, strings.ToUpper(want.a.SHA256), in.InstallerSha256)
		assert.Equal(t, "zip", in.InstallerType)
		assert.Equal(t, "portable", in.NestedInstallerType)
		require.Len(t, in.NestedInstallerFiles, 1)
		assert.Equal(t, want.a.Dir+`\docker-credential-regcred.exe`, in.NestedInstallerFiles[0].RelativeFilePath)
		assert.Equal(t, "docker-credential-regcred", in.NestedInstallerFiles[0].PortableCommandAlias)
	}
	b, err = WingetManifest("1.2.3", as[:4])
	require.NoError(t, err)
	assert.Nil(t, b, "a manifest without windows archives")
}
