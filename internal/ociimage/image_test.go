package ociimage

import (
	"archive/tar"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

func testOptions(t *testing.T, epoch time.Time) Options {
	t.Helper()
	dir := t.TempDir()
	amd, arm, cas := filepath.Join(dir, "amd64"), filepath.Join(dir, "arm64"), filepath.Join(dir, "ca.crt")
	testkit.WriteFile(t, amd, "amd64 binary")
	testkit.WriteFile(t, arm, "arm64 binary")
	testkit.WriteFile(t, cas, "-----BEGIN CERTIFICATE-----\n")
	return Options{
		Name: "regcred-controller", Args: []string{"--leader-elect"}, CACerts: cas, Epoch: epoch,
		Version: "v1.2.3", Revision: "abc123", Ref: "regcred-controller:v1.2.3",
		Platforms: []Platform{{OS: "linux", Arch: "amd64", Binary: amd}, {OS: "linux", Arch: "arm64", Binary: arm}},
	}
}

// TestReproducible builds the image twice, the second time from copies of
// the inputs made later (other file times): the layouts are identical byte
// for byte. Another epoch gives another digest.
func TestReproducible(t *testing.T) {
	epoch := time.Unix(1_700_000_000, 0)
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	da, err := Write(a, testOptions(t, epoch))
	require.NoError(t, err)
	time.Sleep(1100 * time.Millisecond) // the second inputs' mtimes differ
	db, err := Write(b, testOptions(t, epoch))
	require.NoError(t, err)
	assert.Equal(t, da, db, "same inputs, same digest")
	assert.Equal(t, tree(t, a), tree(t, b), "the layouts are byte-identical")

	dc, err := Write(filepath.Join(t.TempDir(), "c"), testOptions(t, epoch.Add(time.Second)))
	require.NoError(t, err)
	assert.NotEqual(t, da, dc, "the epoch is what stamps the image")

	// Writing again over a layout replaces it.
	again, err := Write(a, testOptions(t, epoch))
	require.NoError(t, err)
	assert.Equal(t, da, again)
	assert.Equal(t, tree(t, a), tree(t, b))
}

func TestContents(t *testing.T) {
	epoch := time.Unix(1_700_000_000, 0).UTC()
	dir := filepath.Join(t.TempDir(), "layout")
	digest, err := Write(dir, testOptions(t, epoch))
	require.NoError(t, err)

	idx, err := layout.ImageIndexFromPath(dir)
	require.NoError(t, err)
	im, err := idx.IndexManifest()
	require.NoError(t, err)
	require.Len(t, im.Manifests, 1)
	assert.Equal(t, digest, im.Manifests[0].Digest)
	assert.Equal(t, "regcred-controller:v1.2.3", im.Manifests[0].Annotations["org.opencontainers.image.ref.name"])
	inner, err := idx.ImageIndex(digest)
	require.NoError(t, err)
	mt, err := inner.MediaType()
	require.NoError(t, err)
	assert.Equal(t, types.OCIImageIndex, mt)
	manifests, err := inner.IndexManifest()
	require.NoError(t, err)
	require.Len(t, manifests.Manifests, 2)
	for i, arch := range []string{"amd64", "arm64"} {
		d := manifests.Manifests[i]
		assert.Equal(t, &v1.Platform{OS: "linux", Architecture: arch}, d.Platform)
		img, err := inner.Image(d.Digest)
		require.NoError(t, err)
		mt, err := img.MediaType()
		require.NoError(t, err)
		assert.Equal(t, types.OCIManifestSchema1, mt)
		cf, err := img.ConfigFile()
		require.NoError(t, err)
		assert.Equal(t, arch, cf.Architecture)
		assert.True(t, cf.Created.Equal(epoch), "created %s", cf.Created)
		assert.Equal(t, []string{"/regcred-controller"}, cf.Config.Entrypoint)
		assert.Equal(t, []string{"--leader-elect"}, cf.Config.Cmd)
		assert.Equal(t, User, cf.Config.User)
		assert.Equal(t, "abc123", cf.Config.Labels["org.opencontainers.image.revision"])
		require.Len(t, cf.History, 1)
		assert.True(t, cf.History[0].Created.Equal(epoch))

		layers, err := img.Layers()
		require.NoError(t, err)
		require.Len(t, layers, 1)
		lmt, err := layers[0].MediaType()
		require.NoError(t, err)
		assert.Equal(t, types.OCILayer, lmt)
		rc, err := layers[0].Uncompressed()
		require.NoError(t, err)
		files := map[string]string{}
		tr := tar.NewReader(rc)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			assert.True(t, h.ModTime.Equal(epoch), "%s: mtime %s", h.Name, h.ModTime)
			assert.Zero(t, h.Uid, h.Name)
			data, err := io.ReadAll(tr)
			require.NoError(t, err)
			files[h.Name] = fs.FileMode(h.Mode).String() + " " + string(data)
		}
		require.NoError(t, rc.Close())
		assert.Equal(t, map[string]string{
			"etc/": "-rwxr-xr-x ", "etc/ssl/": "-rwxr-xr-x ", "etc/ssl/certs/": "-rwxr-xr-x ",
			CACertsPath:          "-rw-r--r-- -----BEGIN CERTIFICATE-----\n",
			"regcred-controller": "-rwxr-xr-x " + arch + " binary",
		}, files)
	}
}

func TestBadOptions(t *testing.T) {
	o := testOptions(t, time.Unix(1_700_000_000, 0))
	tests := []struct {
		name   string
		change func(*Options)
		want   string
	}{
		{name: "no epoch", change: func(o *Options) { o.Epoch = time.Time{} }, want: "the epoch are required"},
		{name: "no platform", change: func(o *Options) { o.Platforms = nil }, want: "at least one platform"},
		{name: "missing CA file", change: func(o *Options) { o.CACerts = "/nonexistent/ca.crt" }, want: "CA certificates: open /nonexistent/ca.crt"},
		{name: "missing binary", change: func(o *Options) { o.Platforms = []Platform{{OS: "linux", Arch: "amd64", Binary: "/nonexistent/bin"}} }, want: "linux/amd64: the binary: open /nonexistent/bin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oo := o
			tt.change(&oo)
			_, err := Write(filepath.Join(t.TempDir(), "out"), oo)
			testkit.WantErr(t, err, errOptions, tt.want)
		})
	}
}

// tree maps each file of dir to its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = string(data)
		return err
	}))
	require.NotEmpty(t, out)
	return out
}
