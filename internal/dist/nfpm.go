package dist

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Packagers are the nfpm formats made for each Linux platform.
var Packagers = []string{"deb", "rpm", "apk"}

// nfpmConfig is the part of nfpm's config (v2.48.0) the packages use. It is
// written as JSON, which nfpm's YAML reader takes as it is.
type nfpmConfig struct {
	Name            string        `json:"name"`
	Arch            string        `json:"arch"`
	Platform        string        `json:"platform"`
	Version         string        `json:"version"`
	VersionSchema   string        `json:"version_schema"`
	Prerelease      string        `json:"prerelease,omitempty"`
	VersionMetadata string        `json:"version_metadata,omitempty"`
	Release         string        `json:"release"`
	Section         string        `json:"section"`
	Priority        string        `json:"priority"`
	Maintainer      string        `json:"maintainer"`
	Description     string        `json:"description"`
	Vendor          string        `json:"vendor"`
	Homepage        string        `json:"homepage"`
	License         string        `json:"license"`
	MTime           string        `json:"mtime"`
	Contents        []nfpmContent `json:"contents"`
	RPM             nfpmRPM       `json:"rpm"`
}

// nfpmRPM fixes the build host, which nfpm takes from the machine's
// hostname: the rpm's bytes would depend on where it was made.
type nfpmRPM struct {
	BuildHost string `json:"buildhost"`
}

type nfpmContent struct {
	Src      string       `json:"src"`
	Dst      string       `json:"dst"`
	Type     string       `json:"type,omitempty"`
	FileInfo nfpmFileInfo `json:"file_info"`
}

type nfpmFileInfo struct {
	Mode fs.FileMode `json:"mode"`
}

// Package facts shared by the formula and the manifest too.
const (
	Homepage    = "https://github.com/regcred/regcred"
	License     = "Apache-2.0"
	Description = "One Docker/kubelet credential helper for every container registry"
)

// PackageSources are the files of the module the packages hold besides the
// executables: the commented config example and the docs.
type PackageSources struct {
	ModuleDir string // README.md, LICENSE, docs/, packaging/config.yaml below it
	BinDir    string // the executables for the platform
}

// nfpmContents lists the packages' files: the executables in /usr/bin, the
// config as a config file no upgrade overwrites, README, LICENSE and docs/
// in /usr/share/doc/regcred. Modes are fixed, not the checkout's.
func nfpmContents(src PackageSources) ([]nfpmContent, error) {
	var c []nfpmContent
	for _, e := range Executables() {
		c = append(c, nfpmContent{Src: filepath.Join(src.BinDir, e), Dst: "/usr/bin/" + e, FileInfo: nfpmFileInfo{Mode: 0o755}})
	}
	c = append(c, nfpmContent{Src: filepath.Join(src.ModuleDir, "packaging", "config.yaml"), Dst: "/etc/regcred/config.yaml", Type: "config|noreplace", FileInfo: nfpmFileInfo{Mode: 0o644}})
	const doc = "/usr/share/doc/regcred/"
	for _, f := range []string{"README.md", "LICENSE"} {
		c = append(c, nfpmContent{Src: filepath.Join(src.ModuleDir, f), Dst: doc + f, FileInfo: nfpmFileInfo{Mode: 0o644}})
	}
	docs, err := os.ReadDir(filepath.Join(src.ModuleDir, "docs"))
	if err != nil {
		return nil, fmt.Errorf("package docs: %w", err)
	}
	for _, d := range docs { // sorted by name
		if d.Type().IsRegular() {
			c = append(c, nfpmContent{Src: filepath.Join(src.ModuleDir, "docs", d.Name()), Dst: doc + "docs/" + d.Name(), FileInfo: nfpmFileInfo{Mode: 0o644}})
		}
	}
	return c, nil
}

// releaseVersion is a version nfpm can order: v1.2.3 and the like.
var releaseVersion = regexp.MustCompile(`^v?[0-9]`)

// nfpmVersion sets cfg's version fields for packager. A release version is
// left to nfpm's semver split. A build of an untagged commit (git describe
// gives abc1234 or abc1234-dirty, which no package format accepts as a
// version) becomes 0.0.0 with the pre-release git<epoch as
// YYYYMMDDhhmmss>, below any release and newer for later commits, and the
// commit as metadata where the format has room for it (apk has none).
func nfpmVersion(cfg *nfpmConfig, packager, version string, epoch time.Time) {
	if releaseVersion.MatchString(version) {
		cfg.Version, cfg.VersionSchema = version, "semver"
		return
	}
	cfg.Version, cfg.VersionSchema = "0.0.0", "none"
	cfg.Prerelease = "git" + epoch.UTC().Format("20060102150405")
	if packager != "apk" {
		cfg.VersionMetadata = strings.ReplaceAll(version, "-", ".")
	}
}

// NFPMConfig is the nfpm config of the packager's package for the Linux
// platform p.
func NFPMConfig(p Platform, packager string, s Stamp, epoch time.Time, src PackageSources) ([]byte, error) {
	contents, err := nfpmContents(src)
	if err != nil {
		return nil, err
	}
	cfg := nfpmConfig{
		Name: "regcred", Arch: p.Arch, Platform: "linux", Release: "1",
		Section: "utils", Priority: "optional", Maintainer: "regcred <" + Homepage + ">",
		Description: Description, Vendor: "regcred", Homepage: Homepage, License: License,
		MTime: epoch.UTC().Format(time.RFC3339), Contents: contents, RPM: nfpmRPM{BuildHost: "regcred"},
	}
	nfpmVersion(&cfg, packager, s.Version, epoch)
	return json.MarshalIndent(cfg, "", "  ")
}

// RunNFPM makes the packager's package from config into outDir with the
// nfpm CLI. SOURCE_DATE_EPOCH is set too: nfpm dates what the config's
// mtime does not reach (the deb's changelog, the rpm's build time) by it.
func RunNFPM(ctx context.Context, nfpm, config, packager, outDir string, epoch time.Time) error {
	cmd := exec.CommandContext(ctx, nfpm, "package", "--config", config, "--packager", packager, "--target", outDir+string(filepath.Separator))
	cmd.Env = append(os.Environ(), "SOURCE_DATE_EPOCH="+strconv.FormatInt(epoch.Unix(), 10))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("nfpm %s: %w\n%s", packager, err, out.Bytes())
	}
	return nil
}
