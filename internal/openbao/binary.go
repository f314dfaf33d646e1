package openbao

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// Archive is the compressed server's file name in the tools folder.
const Archive = "bao-v2.6.2-linux-amd64.xz"

// errMissing marks what a developer's machine may lack (the binary, xz,
// the platform): a skip there, a failure in CI.
var errMissing = errors.New("OpenBao unavailable")

// toolsDir finds ../shared/tools/openbao next to the module root (the
// directory holding go.mod, walking up from the working directory).
func toolsDir() (string, error) {
	if d := os.Getenv("REGCRED_OPENBAO_DIR"); d != "" {
		return d, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "tools", "openbao"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%w: no go.mod above the working directory", errMissing)
		}
		dir = parent
	}
}

// Binary decompresses the server into dir and returns its path, having
// checked the archive's and the binary's SHA-256 against SHA256SUMS.
func Binary(dir string) (string, error) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return "", fmt.Errorf("%w: the binary is for linux/amd64, not %s/%s", errMissing, runtime.GOOS, runtime.GOARCH)
	}
	tools, err := toolsDir()
	if err != nil {
		return "", err
	}
	archive := filepath.Join(tools, Archive)
	if _, err := os.Stat(archive); err != nil {
		return "", fmt.Errorf("%w: %s: %w", errMissing, archive, err)
	}
	xz, err := exec.LookPath("xz")
	if err != nil {
		return "", fmt.Errorf("%w: xz not found; install it with: apt-get install xz-utils", errMissing)
	}
	sums, err := readSums(filepath.Join(tools, "SHA256SUMS"))
	if err != nil {
		return "", err
	}
	if err := checkSum(archive, sums[Archive]); err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "bao")
	out, err := os.OpenFile(bin, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o700)
	if err != nil {
		return "", err
	}
	cmd := exec.Command(xz, "-dc", archive)
	cmd.Stdout = out
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("decompressing %s: %w: %s", archive, err, stderr.String())
	}
	if err := checkSum(bin, sums["bao"]); err != nil {
		return "", err
	}
	return bin, nil
}

// readSums reads "<hex>  <name>[ (comment)]" lines.
func readSums(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errMissing, err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 {
			sums[fields[1]] = fields[0]
		}
	}
	return sums, sc.Err()
}

func checkSum(path, want string) error {
	if want == "" {
		return fmt.Errorf("SHA256SUMS has no sum for %s", filepath.Base(path))
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		return fmt.Errorf("%s: SHA-256 %s, SHA256SUMS says %s", path, got, want)
	}
	return nil
}
