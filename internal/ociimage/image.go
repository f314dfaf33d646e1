package ociimage

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Paths inside the image. Go's crypto/x509 reads CACertsPath on Linux.
const (
	CACertsPath = "etc/ssl/certs/ca-certificates.crt"
	// User is the distroless "nonroot" user the Deployment runs as.
	User = "65532:65532"
)

// Platform is one image of the index: the binary built for OS/Arch.
type Platform struct {
	OS, Arch, Variant string
	// Binary is the path of the static executable on this machine.
	Binary string
}

// Options say what goes into the image.
type Options struct {
	// Name is the executable's name in the image (/Name, the entrypoint).
	Name string
	// Args are the entrypoint's default arguments.
	Args []string
	// CACerts is the path of a PEM bundle of CA certificates.
	CACerts   string
	Platforms []Platform
	// Epoch is every timestamp in the image (SOURCE_DATE_EPOCH).
	Epoch time.Time
	// Version and Revision label the image (org.opencontainers.image.*).
	Version, Revision string
	// Ref names the index in the layout (org.opencontainers.image.ref.name).
	Ref string
}

var errOptions = errors.New("ociimage")

// Write replaces dir with an OCI image layout holding the index of
// o.Platforms' images, and returns the index's digest.
func Write(dir string, o Options) (v1.Hash, error) {
	if o.Name == "" || o.CACerts == "" || len(o.Platforms) == 0 || o.Epoch.IsZero() {
		return v1.Hash{}, fmt.Errorf("%w: a name, the CA certificates, at least one platform and the epoch are required", errOptions)
	}
	cas, err := os.ReadFile(o.CACerts)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("%w: CA certificates: %w", errOptions, err)
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range o.Platforms {
		img, err := o.image(p, cas)
		if err != nil {
			return v1.Hash{}, fmt.Errorf("%w: %s/%s: %w", errOptions, p.OS, p.Arch, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: p.OS, Architecture: p.Arch, Variant: p.Variant},
		}})
	}
	if err := os.RemoveAll(dir); err != nil {
		return v1.Hash{}, err
	}
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		return v1.Hash{}, err
	}
	var opts []layout.Option
	if o.Ref != "" {
		opts = append(opts, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": o.Ref}))
	}
	if err := lp.AppendIndex(idx, opts...); err != nil {
		return v1.Hash{}, fmt.Errorf("writing the layout: %w", err)
	}
	return idx.Digest()
}

func (o Options) image(p Platform, cas []byte) (v1.Image, error) {
	bin, err := os.ReadFile(p.Binary)
	if err != nil {
		return nil, fmt.Errorf("the binary: %w", err)
	}
	layerTar, err := o.tarball(bin, cas)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	epoch := v1.Time{Time: o.Epoch.UTC()}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
		History: v1.History{Created: epoch, CreatedBy: "make image", Comment: o.Name + " and CA certificates"}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant = p.OS, p.Arch, p.Variant
	cf.Created = epoch
	cf.Config = v1.Config{
		Entrypoint: []string{"/" + o.Name},
		Cmd:        o.Args,
		User:       User,
		Env:        []string{"SSL_CERT_FILE=/" + CACertsPath},
		Labels: map[string]string{
			"org.opencontainers.image.title":    o.Name,
			"org.opencontainers.image.version":  o.Version,
			"org.opencontainers.image.revision": o.Revision,
			"org.opencontainers.image.source":   "https://github.com/regcred/regcred",
		},
	}
	return mutate.ConfigFile(img, cf)
}

// tarball is the layer: directories, the CA bundle and the executable,
// owned by root, every time the epoch.
func (o Options) tarball(bin, cas []byte) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	entries := []struct {
		name string
		mode int64
		data []byte
		dir  bool
	}{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/ssl/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/", mode: 0o755, dir: true},
		{name: CACertsPath, mode: 0o644, data: cas},
		{name: path.Clean(o.Name), mode: 0o755, data: bin},
	}
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Size: int64(len(e.data)), ModTime: o.Epoch.UTC(),
			Typeflag: tar.TypeReg, Format: tar.FormatPAX, Uname: "root", Gname: "root"}
		if e.dir {
			h.Typeflag = tar.TypeDir
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
