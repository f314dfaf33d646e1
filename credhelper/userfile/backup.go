package userfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"time"
)

// maxBackups bounds the names tried for one second's backups.
const maxBackups = 1000

// backup copies cur (target's content) to a backup file created
// exclusively, <target>.<UTC time>.bak, or .<time>-N.bak when that name is
// taken: two runs in one second keep both originals. Owner and mode are
// the original's.
func backup(target string, cur current, o owner, now time.Time) (string, error) {
	stamp := target + "." + now.UTC().Format("20060102T150405Z")
	for n := 1; n <= maxBackups; n++ {
		name := stamp + ".bak"
		if n > 1 {
			name = stamp + "-" + strconv.Itoa(n) + ".bak"
		}
		err := writeNew(name, cur.data, cur.mode, o)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("backing up %s: %w", target, err)
		}
		return name, nil
	}
	return "", fmt.Errorf("backing up %s: %d backups already made this second", target, maxBackups)
}

// writeNew creates name (failing with fs.ErrExist if it exists) holding
// data; a failed write leaves nothing.
func writeNew(name string, data []byte, mode fs.FileMode, o owner) (err error) {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = chownFileLike(f, o); err != nil {
		return err
	}
	return f.Sync()
}
