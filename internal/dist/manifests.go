package dist

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

// Archive is one release archive as the formula and the manifest name it.
type Archive struct {
	Platform Platform
	Dir      string // its one folder, regcred_<version>_<os>_<arch>
	File     string // Dir + .tar.gz or .zip
	URL      string
	SHA256   string // hex
}

// ArchiveURL is where file is downloaded from: base with every "VERSION"
// replaced by version, then "/" and file.
func ArchiveURL(base, version, file string) string {
	return strings.TrimSuffix(strings.ReplaceAll(base, "VERSION", version), "/") + "/" + file
}

//go:embed templates
var templates embed.FS

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"upper":      strings.ToUpper,
	"brewArch":   func(p Platform) string { return map[string]string{"amd64": "intel", "arm64": "arm"}[p.Arch] },
	"wingetArch": func(p Platform) string { return map[string]string{"amd64": "x64", "arm64": "arm64"}[p.Arch] },
}).ParseFS(templates, "templates/*.tmpl"))

type brewOS struct {
	Brew     string // macos, linux
	Archives []Archive
}

type manifestData struct {
	Version, Homepage, License, Description string
	Executables                             []string
	OSes                                    []brewOS  // formula
	Archives                                []Archive // manifest
}

func newManifestData(version string) manifestData {
	return manifestData{Version: version, Homepage: Homepage, License: License, Description: Description, Executables: Executables()}
}

// Formula is the Homebrew formula for the darwin and linux archives, or
// nil when there is none.
func Formula(version string, archives []Archive) ([]byte, error) {
	d := newManifestData(version)
	for _, os := range []struct{ goos, brew string }{{"darwin", "macos"}, {"linux", "linux"}} {
		b := brewOS{Brew: os.brew}
		for _, a := range archives {
			if a.Platform.OS == os.goos {
				b.Archives = append(b.Archives, a)
			}
		}
		if len(b.Archives) > 0 {
			d.OSes = append(d.OSes, b)
		}
	}
	if len(d.OSes) == 0 {
		return nil, nil
	}
	return render("regcred.rb.tmpl", d)
}

// WingetManifest is the winget singleton manifest for the windows
// archives, or nil when there is none.
func WingetManifest(version string, archives []Archive) ([]byte, error) {
	d := newManifestData(version)
	for _, a := range archives {
		if a.Platform.OS == "windows" {
			d.Archives = append(d.Archives, a)
		}
	}
	if len(d.Archives) == 0 {
		return nil, nil
	}
	return render("winget.yaml.tmpl", d)
}

func render(name string, d manifestData) ([]byte, error) {
	var b bytes.Buffer
	if err := tmpl.ExecuteTemplate(&b, name, d); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}
