package dist

import (
	"archive/tar"
	"archive/zip"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"
)

// Entry is one file of an archive: Src on disk stored as Name (a
// "/"-separated path below the archive's folder) with Mode.
type Entry struct {
	Name string
	Src  string
	Mode fs.FileMode
}

// dirMode is the mode of the archive's one folder.
const dirMode fs.FileMode = 0o755

// sortedEntries is entries by name, or an error for a name that is empty,
// not local or given twice: extracting it would not give what was meant.
func sortedEntries(entries []Entry) ([]Entry, error) {
	out := slices.Clone(entries)
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	for i, e := range out {
		if !fs.ValidPath(e.Name) || e.Name == "." {
			return nil, fmt.Errorf("archive entry %q: not a relative path", e.Name)
		}
		if i > 0 && out[i-1].Name == e.Name {
			return nil, fmt.Errorf("archive entry %q: given twice", e.Name)
		}
	}
	return out, nil
}

// WriteTarGz writes a gzipped tar of dir/ and entries below it. The bytes
// depend only on the arguments and the files' contents: entries sorted,
// every date mtime, uid/gid 0 without names, the gzip header without name
// or date.
func WriteTarGz(w io.Writer, dir string, entries []Entry, mtime time.Time) error {
	sorted, err := sortedEntries(entries)
	if err != nil {
		return err
	}
	gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	tw := tar.NewWriter(gz)
	mtime = mtime.UTC().Truncate(time.Second)
	hdr := &tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: int64(dirMode), ModTime: mtime, Format: tar.FormatUSTAR}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("tar %s: %w", hdr.Name, err)
	}
	for _, e := range sorted {
		if err := addTar(tw, path.Join(dir, e.Name), e, mtime); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("tar: %w", err)
	}
	if err := gz.Close(); err != nil {
		return fmt.Errorf("gzip: %w", err)
	}
	return nil
}

func addTar(tw *tar.Writer, name string, e Entry, mtime time.Time) error {
	f, size, err := openEntry(e)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: int64(e.Mode.Perm()), ModTime: mtime, Format: tar.FormatUSTAR}
	if err := tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("tar %s: %w", name, err)
	}
	if _, err := io.Copy(tw, f); err != nil {
		return fmt.Errorf("tar %s: %w", name, err)
	}
	return nil
}

// WriteZip is WriteTarGz as a zip (deflated, Unix modes recorded).
func WriteZip(w io.Writer, dir string, entries []Entry, mtime time.Time) error {
	sorted, err := sortedEntries(entries)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestCompression)
	})
	mtime = mtime.UTC().Truncate(time.Second)
	dh := &zip.FileHeader{Name: dir + "/", Method: zip.Store, Modified: mtime}
	dh.SetMode(fs.ModeDir | dirMode)
	if _, err := zw.CreateHeader(dh); err != nil {
		return fmt.Errorf("zip %s: %w", dh.Name, err)
	}
	for _, e := range sorted {
		if err := addZip(zw, path.Join(dir, e.Name), e, mtime); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}

func addZip(zw *zip.Writer, name string, e Entry, mtime time.Time) error {
	f, _, err := openEntry(e)
	if err != nil {
		return err
	}
	defer f.Close()
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime}
	hdr.SetMode(e.Mode.Perm())
	fw, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("zip %s: %w", name, err)
	}
	if _, err := io.Copy(fw, f); err != nil {
		return fmt.Errorf("zip %s: %w", name, err)
	}
	return nil
}

// openEntry opens e's regular file and returns its size.
func openEntry(e Entry) (*os.File, int64, error) {
	f, err := os.Open(e.Src)
	if err != nil {
		return nil, 0, fmt.Errorf("archive entry %s: %w", e.Name, err)
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file", e.Src)
	}
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("archive entry %s: %w", e.Name, err)
	}
	return f, st.Size(), nil
}
