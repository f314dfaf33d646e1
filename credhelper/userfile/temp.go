package userfile

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// staleTemp is how old a temporary file must be to be taken for a killed
// writer's: a live one renames within milliseconds.
const staleTemp = time.Minute

// tempInfix sits between the file's name and the random part of its
// temporary files' names: .config.json.regcred-tmp-<16 hex>.
const tempInfix = ".regcred-tmp-"

// writeTemp writes data to a new temporary file beside target, with mode
// and owner, synced; the caller renames or removes it.
func writeTemp(target string, data []byte, mode fs.FileMode, o owner) (path string, err error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("naming a temporary file: %w", err)
	}
	path = filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+tempInfix+hex.EncodeToString(b[:]))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("writing next to %s: %w", target, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(path)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return "", fmt.Errorf("writing %s: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil {
		return "", fmt.Errorf("setting the mode of %s: %w", path, err)
	}
	if err = chownFileLike(f, o); err != nil {
		return "", err
	}
	if err = f.Sync(); err != nil {
		return "", fmt.Errorf("syncing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return "", fmt.Errorf("closing %s: %w", path, err)
	}
	return path, nil
}

// sweepTemps removes base's temporary files in dir older than before:
// those of this package, and the .<base>.regcred-<digits> names earlier
// versions wrote with os.CreateTemp. Nothing else is touched.
func sweepTemps(dir, base string, before time.Time) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		if !isOurTemp(e.Name(), base) || !e.Type().IsRegular() {
			continue
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(before) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

func isOurTemp(name, base string) bool {
	rest, ok := strings.CutPrefix(name, "."+base)
	if !ok {
		return false
	}
	if r, ok := strings.CutPrefix(rest, tempInfix); ok {
		return len(r) == 16 && strings.Trim(r, "0123456789abcdef") == ""
	}
	if r, ok := strings.CutPrefix(rest, ".regcred-"); ok {
		return r != "" && strings.Trim(r, "0123456789") == ""
	}
	return false
}
