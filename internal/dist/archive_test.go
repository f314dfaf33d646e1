package dist

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

var testEpoch = time.Unix(1796473191, 0).UTC()

// archiveFiles writes the sources of an archive with modes and dates
// unlike the archive's, so that a test sees which ones were stored.
func archiveFiles(t *testing.T) []Entry {
	t.Helper()
	dir := t.TempDir()
	files := []struct {
		name, content string
		mode          fs.FileMode
	}{
		{name: "regcred-engine", content: "engine", mode: 0o755},
		{name: "README.md", content: "readme", mode: 0o644},
		{name: "LICENSE", content: "license", mode: 0o644},
	}
	var entries []Entry
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		testkit.WriteFileMode(t, p, f.content, 0o600)
		require.NoError(t, os.Chtimes(p, time.Now(), time.Now()))
		entries = append(entries, Entry{Name: f.name, Src: p, Mode: f.mode})
	}
	return entries
}

type archiveWriter func(io.Writer, string, []Entry, time.Time) error

func writeArchive(t *testing.T, write archiveWriter, entries []Entry) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, write(&b, "regcred_1.0.0_linux_amd64", entries, testEpoch))
	return b.Bytes()
}

func TestArchiveReproducible(t *testing.T) {
	for _, tt := range []struct {
		name  string
		write archiveWriter
	}{
		{name: "tar.gz", write: WriteTarGz},
		{name: "zip", write: WriteZip},
	} {
		t.Run(tt.name, func(t *testing.T) {
			entries := archiveFiles(t)
			first := writeArchive(t, tt.write, entries)
			// Other dates on disk and another order give the same bytes.
			for _, e := range entries {
				require.NoError(t, os.Chtimes(e.Src, time.Unix(1, 0), time.Unix(1, 0)))
			}
			reversed := []Entry{entries[2], entries[1], entries[0]}
			second := writeArchive(t, tt.write, reversed)
			assert.True(t, bytes.Equal(first, second), "two writes differ")
		})
	}
}

// wantEntries are the archive's entries of archiveFiles, in order.
var wantEntries = []struct {
	name, content string
	mode          fs.FileMode
}{
	{name: "regcred_1.0.0_linux_amd64/", mode: fs.ModeDir | 0o755},
	{name: "regcred_1.0.0_linux_amd64/LICENSE", content: "license", mode: 0o644},
	{name: "regcred_1.0.0_linux_amd64/README.md", content: "readme", mode: 0o644},
	{name: "regcred_1.0.0_linux_amd64/regcred-engine", content: "engine", mode: 0o755},
}

func TestWriteTarGzEntries(t *testing.T) {
	b := writeArchive(t, WriteTarGz, archiveFiles(t))
	gz, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Empty(t, gz.Name, "gzip header name")
	assert.True(t, gz.ModTime.IsZero(), "gzip header date %s", gz.ModTime)
	tr := tar.NewReader(gz)
	for _, want := range wantEntries {
		hdr, err := tr.Next()
		require.NoError(t, err, "want %s", want.name)
		assert.Equal(t, want.name, hdr.Name)
		assert.Equal(t, want.mode, hdr.FileInfo().Mode(), hdr.Name)
		assert.True(t, testEpoch.Equal(hdr.ModTime), "%s dated %s", hdr.Name, hdr.ModTime)
		assert.Zero(t, hdr.Uid, hdr.Name)
		assert.Zero(t, hdr.Gid, hdr.Name)
		assert.Empty(t, hdr.Uname+hdr.Gname, hdr.Name)
		content, err := io.ReadAll(tr)
		require.NoError(t, err)
		assert.Equal(t, want.content, string(content), hdr.Name)
	}
	_, err = tr.Next()
	assert.ErrorIs(t, err, io.EOF, "more entries than wanted")
}

func TestWriteZipEntries(t *testing.T) {
	b := writeArchive(t, WriteZip, archiveFiles(t))
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	require.NoError(t, err)
	require.Len(t, zr.File, len(wantEntries))
	for i, want := range wantEntries {
		f := zr.File[i]
		assert.Equal(t, want.name, f.Name)
		assert.Equal(t, want.mode, f.Mode(), f.Name)
		assert.True(t, testEpoch.Equal(f.Modified), "%s dated %s", f.Name, f.Modified)
		rc, err := f.Open()
		require.NoError(t, err)
		content, err := io.ReadAll(rc)
		require.NoError(t, err)
		require.NoError(t, rc.Close())
		assert.Equal(t, want.content, string(content), f.Name)
	}
}

func TestArchiveRefusesEntries(t *testing.T) {
	src := testkit.TempFile(t, "f", "x")
	tests := []struct {
		name    string
		entries []Entry
		want    string
	}{
		{name: "twice", entries: []Entry{{Name: "a", Src: src}, {Name: "a", Src: src}}, want: `"a": given twice`},
		{name: "parent", entries: []Entry{{Name: "../a", Src: src}}, want: `"../a": not a relative path`},
		{name: "absolute", entries: []Entry{{Name: "/a", Src: src}}, want: `"/a": not a relative path`},
		{name: "empty", entries: []Entry{{Name: "", Src: src}}, want: `"": not a relative path`},
		{name: "missing source", entries: []Entry{{Name: "a", Src: filepath.Join(t.TempDir(), "gone")}}, want: "archive entry a:"},
		{name: "directory source", entries: []Entry{{Name: "a", Src: t.TempDir()}}, want: "is not a regular file"},
	}
	for _, tt := range tests {
		for _, w := range []struct {
			name  string
			write archiveWriter
		}{{name: "tar.gz", write: WriteTarGz}, {name: "zip", write: WriteZip}} {
			t.Run(tt.name+"/"+w.name, func(t *testing.T) {
				err := w.write(io.Discard, "d", tt.entries, testEpoch)
				testkit.WantErr(t, err, nil, tt.want)
			})
		}
	}
}
