package dist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func validOptions() Options {
	return Options{
		Stamp: Stamp{Version: "v1.2.3", Commit: "abc123"}, Epoch: testEpoch, NFPM: "/bin/nfpm",
		URL: "https://example.com/VERSION", Out: "dist", Platforms: DefaultPlatforms(), Go: "go", ModuleDir: ".",
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Options)
		want   string
	}{
		{name: "valid", change: func(*Options) {}},
		{name: "no nfpm without linux", change: func(o *Options) { o.NFPM, o.Platforms = "", []Platform{{"darwin", "arm64"}} }},
		{name: "empty version", change: func(o *Options) { o.Version = "" }, want: `version ""`},
		{name: "version with a slash", change: func(o *Options) { o.Version = "v1/../x" }, want: `version "v1/../x"`},
		{name: "version with a space", change: func(o *Options) { o.Version = "v1 -X main.x=y" }, want: `version "v1 -X main.x=y"`},
		{name: "empty commit", change: func(o *Options) { o.Commit = "" }, want: `commit ""`},
		{name: "commit with a quote", change: func(o *Options) { o.Commit = `a'b` }, want: `commit "a'b"`},
		{name: "no epoch", change: func(o *Options) { o.Epoch = time.Time{} }, want: "epoch"},
		{name: "url without scheme", change: func(o *Options) { o.URL = "example.com/VERSION" }, want: `url "example.com/VERSION"`},
		{name: "no out", change: func(o *Options) { o.Out = "" }, want: "out"},
		{name: "no platforms", change: func(o *Options) { o.Platforms = nil }, want: "platforms"},
		{name: "no nfpm with linux", change: func(o *Options) { o.NFPM = "" }, want: "nfpm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := validOptions()
			tt.change(&o)
			err := o.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, nil, tt.want)
		})
	}
}

func TestParseEpoch(t *testing.T) {
	tests := []struct {
		name, in string
		want     time.Time
	}{
		{name: "seconds", in: "1796473191", want: testEpoch},
		{name: "empty", in: ""},
		{name: "zero", in: "0"},
		{name: "negative", in: "-5"},
		{name: "a date", in: "2026-12-05"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEpoch(tt.in)
			if tt.want.IsZero() {
				testkit.WantErr(t, err, nil, `epoch "`+tt.in+`"`, "SOURCE_DATE_EPOCH")
				return
			}
			require.NoError(t, err)
			assert.True(t, tt.want.Equal(got), "got %s", got)
		})
	}
}

func TestWriteSums(t *testing.T) {
	dir := t.TempDir()
	testkit.WriteFile(t, filepath.Join(dir, "b.zip"), "b")
	testkit.WriteFile(t, filepath.Join(dir, "a.tar.gz"), "a")
	testkit.WriteFile(t, filepath.Join(dir, SumsFile), "stale")
	testkit.WriteFile(t, filepath.Join(dir, "build", "x"), "not listed")
	require.NoError(t, WriteSums(dir))
	got, err := os.ReadFile(filepath.Join(dir, SumsFile))
	require.NoError(t, err)
	assert.Equal(t, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb  a.tar.gz\n"+
		"3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d  b.zip\n", string(got))
}

func TestPrepareOut(t *testing.T) {
	t.Run("missing is made", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "d", "dist")
		require.NoError(t, prepareOut(out))
		assert.DirExists(t, out)
	})
	t.Run("an earlier run is replaced", func(t *testing.T) {
		out := t.TempDir()
		testkit.WriteFile(t, filepath.Join(out, SumsFile), "x")
		testkit.WriteFile(t, filepath.Join(out, "old.tar.gz"), "x")
		require.NoError(t, prepareOut(out))
		entries, err := os.ReadDir(out)
		require.NoError(t, err)
		assert.Empty(t, entries)
	})
	t.Run("a failed run is replaced", func(t *testing.T) {
		out := t.TempDir()
		testkit.WriteFile(t, filepath.Join(out, "build", "linux_amd64", "regcred-engine"), "x")
		require.NoError(t, prepareOut(out))
		assert.NoDirExists(t, filepath.Join(out, "build"))
	})
	t.Run("anything else is kept", func(t *testing.T) {
		out := t.TempDir()
		keep := filepath.Join(out, "thesis.tex")
		testkit.WriteFile(t, keep, "x")
		testkit.WantErr(t, prepareOut(out), nil, out, "not removing it")
		assert.FileExists(t, keep)
	})
}

// distFiles are the names and contents of dir's files (not build/).
func distFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	files := map[string][]byte{}
	for _, e := range entries {
		if e.Type().IsRegular() {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			require.NoError(t, err)
			files[e.Name()] = b
		}
	}
	return files
}

// TestRunTwice makes the release files of a small module twice, with the
// real go and nfpm: the same files, the same bytes, named as
// testdata/package-test.sh and the README expect, and SHA256SUMS true.
func TestRunTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds with go and nfpm")
	}
	o := Options{
		Stamp: Stamp{Version: "abc1234-dirty", Commit: "abc1234"}, Epoch: testEpoch, NFPM: nfpmCmd(t),
		URL: "https://example.com/dl/VERSION", ModuleDir: fakeModule(t), Go: goCmd(t),
		Platforms: []Platform{{"linux", "amd64"}, {"windows", "arm64"}},
	}
	var runs [2]map[string][]byte
	for i := range runs {
		o.Out = filepath.Join(t.TempDir(), "dist")
		require.NoError(t, Run(context.Background(), o))
		runs[i] = distFiles(t, o.Out)
	}
	var names []string
	for name, b := range runs[0] {
		names = append(names, name)
		assert.True(t, bytes.Equal(b, runs[1][name]), "%s differs between two runs", name)
	}
	assert.Len(t, runs[1], len(runs[0]))
	sort.Strings(names)
	want := []*regexp.Regexp{
		regexp.MustCompile(`^Regcred\.Regcred\.yaml$`),
		regexp.MustCompile(`^SHA256SUMS$`),
		regexp.MustCompile(`^regcred-0\.0\.0~git20261205121951\+abc1234\.dirty-1\.x86_64\.rpm$`),
		regexp.MustCompile(`^regcred\.rb$`),
		regexp.MustCompile(`^regcred_0\.0\.0_git20261205121951-r1_x86_64\.apk$`),
		regexp.MustCompile(`^regcred_0\.0\.0~git20261205121951\+abc1234\.dirty-1_amd64\.deb$`),
		regexp.MustCompile(`^regcred_abc1234-dirty_linux_amd64\.tar\.gz$`),
		regexp.MustCompile(`^regcred_abc1234-dirty_windows_arm64\.zip$`),
	}
	require.Len(t, names, len(want), "files: %v", names)
	for i, re := range want {
		assert.Regexp(t, re, names[i])
	}
	sums := string(runs[0][SumsFile])
	for _, name := range names {
		if name == SumsFile {
			continue
		}
		sum, err := FileSHA256(filepath.Join(o.Out, name))
		require.NoError(t, err)
		assert.Contains(t, sums, sum+"  "+name+"\n")
	}
	assert.Contains(t, string(runs[0]["regcred.rb"]), `url "https://example.com/dl/abc1234-dirty/regcred_abc1234-dirty_linux_amd64.tar.gz"`)
	assert.Contains(t, string(runs[0]["Regcred.Regcred.yaml"]), "InstallerUrl: https://example.com/dl/abc1234-dirty/regcred_abc1234-dirty_windows_arm64.zip")
	assert.Equal(t, len(names)-1, strings.Count(sums, "\n"), "SHA256SUMS lines: every file but itself")
	// Each archive holds the three executables side by side: the front finds the others next to itself.
	assert.Equal(t, []string{
		"regcred_abc1234-dirty_linux_amd64/",
		"regcred_abc1234-dirty_linux_amd64/LICENSE",
		"regcred_abc1234-dirty_linux_amd64/README.md",
		"regcred_abc1234-dirty_linux_amd64/docker-credential-regcred",
		"regcred_abc1234-dirty_linux_amd64/regcred-engine",
		"regcred_abc1234-dirty_linux_amd64/regcred-fetch",
	}, tarGzNames(t, runs[0]["regcred_abc1234-dirty_linux_amd64.tar.gz"]))
	assert.Equal(t, []string{
		"regcred_abc1234-dirty_windows_arm64/",
		"regcred_abc1234-dirty_windows_arm64/LICENSE",
		"regcred_abc1234-dirty_windows_arm64/README.md",
		"regcred_abc1234-dirty_windows_arm64/docker-credential-regcred.exe",
		"regcred_abc1234-dirty_windows_arm64/regcred-engine.exe",
		"regcred_abc1234-dirty_windows_arm64/regcred-fetch.exe",
	}, zipNames(t, runs[0]["regcred_abc1234-dirty_windows_arm64.zip"]))
}

// tarGzNames are the entry names of a tar.gz, in order.
func tarGzNames(t *testing.T, b []byte) []string {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	tr := tar.NewReader(gz)
	var names []string
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return names
		}
		require.NoError(t, err)
		names = append(names, hdr.Name)
	}
}

// zipNames are the entry names of a zip, in order.
func zipNames(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	return names
}
