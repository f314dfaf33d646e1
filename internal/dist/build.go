package dist

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Executables are the commands every archive and package holds, under the
// names the front looks for next to itself (credhelper/cli's, which
// TestExecutablesAreTheFrontsNames holds them to: test-only code may not
// import the engine's packages).
func Executables() []string {
	return []string{"docker-credential-regcred", "regcred-engine", "regcred-fetch"}
}

// Stamp is what the executables are told about their build (-X main.version,
// -X main.commit; see credhelper.Build).
type Stamp struct {
	Version, Commit string
}

// buildArgs is the go build command line that puts the executables for p
// into outDir. Static (CGO_ENABLED=0, from buildEnv), -trimpath, no build
// ID and no VCS stamp, so the bytes depend on the source, the toolchain and
// s only; the commit comes from s, not from the checkout's state.
func buildArgs(p Platform, outDir string, s Stamp) []string {
	ldflags := fmt.Sprintf("-s -w -buildid= -X main.version=%s -X main.commit=%s", s.Version, s.Commit)
	args := []string{"build", "-trimpath", "-buildvcs=false", "-ldflags=" + ldflags, "-o", outDir + string(filepath.Separator)}
	for _, e := range Executables() {
		args = append(args, "./cmd/"+e)
	}
	return args
}

// buildEnv is environ for a build for p: the platform set, cgo off, and
// GOFLAGS emptied so that a developer's -race or -mod does not change the
// release.
func buildEnv(environ []string, p Platform) []string {
	var env []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GOOS="+p.OS, "GOARCH="+p.Arch, "CGO_ENABLED=0", "GOFLAGS=")
}

// Build runs goCmd in moduleDir to put the executables for p into outDir.
func Build(ctx context.Context, goCmd, moduleDir string, p Platform, outDir string, s Stamp) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("build %s: %w", p, err)
	}
	cmd := exec.CommandContext(ctx, goCmd, buildArgs(p, outDir, s)...)
	cmd.Dir = moduleDir
	cmd.Env = buildEnv(os.Environ(), p)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build %s: %s: %w\n%s", p, strings.Join(cmd.Args, " "), err, out.Bytes())
	}
	return nil
}
