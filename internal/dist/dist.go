package dist

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options is one `make dist`.
type Options struct {
	Stamp
	Epoch     time.Time  // every date in the archives and packages
	NFPM      string     // the nfpm CLI; needed for linux platforms only
	URL       string     // where the archives will be: "VERSION" is replaced
	Out       string     // the dist directory, replaced
	Platforms []Platform // built in this order
	ModuleDir string     // the module's root
	Go        string     // the go command
	Log       io.Writer  // progress, one line a step
}

var (
	versionRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+~-]*$`)
	commitRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// Validate names the first option that cannot make a release.
func (o Options) Validate() error {
	switch {
	case !versionRE.MatchString(o.Version):
		return fmt.Errorf("version %q: want letters, digits and ._+~- (it goes into file names)", o.Version)
	case !commitRE.MatchString(o.Commit):
		return fmt.Errorf("commit %q: want the commit's hash (git rev-parse HEAD)", o.Commit)
	case o.Epoch.Unix() <= 0:
		return fmt.Errorf("epoch %d: want seconds since 1970 (SOURCE_DATE_EPOCH, the last commit's date)", o.Epoch.Unix())
	case !strings.HasPrefix(o.URL, "https://") && !strings.HasPrefix(o.URL, "http://"):
		return fmt.Errorf("url %q: want the http(s) address the archives will be downloaded from", o.URL)
	case o.Out == "":
		return errors.New("out: want the directory to write the release files to")
	case len(o.Platforms) == 0:
		return errors.New("platforms: none given")
	case o.NFPM == "" && slices.ContainsFunc(o.Platforms, func(p Platform) bool { return p.OS == "linux" }):
		return errors.New("nfpm: want the nfpm CLI's path to package for linux")
	}
	return nil
}

// Run makes the release files in o.Out: per platform an archive, for
// linux the packages, then the formula, the manifest and SHA256SUMS.
func Run(ctx context.Context, o Options) error {
	if err := o.Validate(); err != nil {
		return err
	}
	if err := prepareOut(o.Out); err != nil {
		return err
	}
	var archives []Archive
	for _, p := range o.Platforms {
		a, err := o.platform(ctx, p)
		if err != nil {
			return err
		}
		archives = append(archives, a)
	}
	if err := o.writeManifests(archives); err != nil {
		return err
	}
	return WriteSums(o.Out)
}

// prepareOut empties out for a new run, unless it holds something other
// than an earlier run's files: a mistyped -out must not remove a directory.
func prepareOut(out string) error {
	entries, err := os.ReadDir(out)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(out, 0o755)
	}
	if err != nil {
		return fmt.Errorf("out: %w", err)
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(out, SumsFile)); err != nil {
			if _, err := os.Stat(filepath.Join(out, "build")); err != nil {
				return fmt.Errorf("out %s: not empty and no earlier make dist (no %s, no build/): not removing it", out, SumsFile)
			}
		}
	}
	if err := os.RemoveAll(out); err != nil {
		return fmt.Errorf("out: %w", err)
	}
	return os.MkdirAll(out, 0o755)
}

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, "dist: "+format+"\n", args...)
	}
}

// platform builds p's executables, packs its archive and, for linux, its
// packages.
func (o Options) platform(ctx context.Context, p Platform) (Archive, error) {
	bin := filepath.Join(o.Out, "build", p.OS+"_"+p.Arch)
	start := time.Now()
	if err := Build(ctx, o.Go, o.ModuleDir, p, bin, o.Stamp); err != nil {
		return Archive{}, err
	}
	o.logf("%s: built in %s", p, time.Since(start).Round(time.Millisecond))
	a, err := o.archive(p, bin)
	if err != nil {
		return Archive{}, err
	}
	if p.OS == "linux" {
		start = time.Now()
		if err := o.packages(ctx, p, bin); err != nil {
			return Archive{}, err
		}
		o.logf("%s: packaged in %s", p, time.Since(start).Round(time.Millisecond))
	}
	return a, nil
}

// archive writes p's tar.gz (zip on Windows): the executables, README.md
// and LICENSE in one folder named like the file.
func (o Options) archive(p Platform, bin string) (Archive, error) {
	a := Archive{Platform: p, Dir: fmt.Sprintf("regcred_%s_%s_%s", o.Version, p.OS, p.Arch)}
	write := WriteTarGz
	a.File = a.Dir + ".tar.gz"
	if p.OS == "windows" {
		write, a.File = WriteZip, a.Dir+".zip"
	}
	var entries []Entry
	for _, e := range Executables() {
		entries = append(entries, Entry{Name: p.Exe(e), Src: filepath.Join(bin, p.Exe(e)), Mode: 0o755})
	}
	for _, f := range []string{"README.md", "LICENSE"} {
		entries = append(entries, Entry{Name: f, Src: filepath.Join(o.ModuleDir, f), Mode: 0o644})
	}
	path := filepath.Join(o.Out, a.File)
	if err := writeFile(path, func(w io.Writer) error { return write(w, a.Dir, entries, o.Epoch) }); err != nil {
		return Archive{}, err
	}
	sum, err := FileSHA256(path)
	if err != nil {
		return Archive{}, err
	}
	a.URL, a.SHA256 = ArchiveURL(o.URL, o.Version, a.File), sum
	return a, nil
}

// packages makes p's deb, rpm and apk, each from its own nfpm config.
func (o Options) packages(ctx context.Context, p Platform, bin string) error {
	src := PackageSources{ModuleDir: o.ModuleDir, BinDir: bin}
	for _, packager := range Packagers {
		cfg, err := NFPMConfig(p, packager, o.Stamp, o.Epoch, src)
		if err != nil {
			return err
		}
		path := filepath.Join(o.Out, "build", fmt.Sprintf("nfpm_%s_%s.yaml", p.Arch, packager))
		if err := os.WriteFile(path, cfg, 0o644); err != nil {
			return fmt.Errorf("nfpm config: %w", err)
		}
		if err := RunNFPM(ctx, o.NFPM, path, packager, o.Out, o.Epoch); err != nil {
			return err
		}
	}
	return nil
}

func (o Options) writeManifests(archives []Archive) error {
	for _, m := range []struct {
		name   string
		render func(string, []Archive) ([]byte, error)
	}{{"regcred.rb", Formula}, {"Regcred.Regcred.yaml", WingetManifest}} {
		b, err := m.render(o.Version, archives)
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(o.Out, m.name), b, 0o644); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	return nil
}

// writeFile creates path and has write fill it, buffered.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}

// ParseEpoch reads SOURCE_DATE_EPOCH: seconds since 1970, after it.
func ParseEpoch(s string) (time.Time, error) {
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil || sec <= 0 {
		return time.Time{}, fmt.Errorf("epoch %q: want seconds since 1970 (SOURCE_DATE_EPOCH, the last commit's date)", s)
	}
	return time.Unix(sec, 0).UTC(), nil
}
