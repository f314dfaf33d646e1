package credhelper

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Build is what the linker was told about this build (-X main.version,
// -X main.commit); either may be empty.
type Build struct {
	Version, Commit string
}

// Stamped fills what the linker left unset from the build information the
// Go toolchain embeds: `go install …@v1.2.0` records the module version, a
// build in a git checkout the revision (unless -buildvcs=false, which is
// why `make dist` passes the commit itself).
func (b Build) Stamped(bi *debug.BuildInfo, ok bool) Build {
	if b.Version == "" || b.Version == "dev" {
		b.Version = "dev"
		if ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			b.Version = bi.Main.Version
		}
	}
	if b.Commit == "" && ok {
		b.Commit = vcsCommit(bi.Settings)
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	return b
}

func vcsCommit(settings []debug.BuildSetting) string {
	var rev, modified string
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev != "" && modified == "true" {
		return rev + "-dirty"
	}
	return rev
}

// printVersion keeps the first line of docker-credential-helpers' `version`
// (name, package, version) and adds what a bug report needs.
func (a *App) printVersion() error {
	commit := a.Commit
	if commit == "" {
		commit = "unknown"
	}
	_, err := fmt.Fprintf(a.Stdout, "%s (%s) %s\ncommit:   %s\ngo:       %s\nplatform: %s/%s\n",
		Name, Package, a.Version, commit, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}
