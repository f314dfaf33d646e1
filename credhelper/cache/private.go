package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"path/filepath"
)

// ReadPrivate reads a file of the cache's: owned by this user, not a
// symlink, writable by no one else, at most a record's size.
func ReadPrivate(path string) ([]byte, error) { return readTrusted(path, currentUID()) }

// WritePrivate replaces root/sub/name atomically with a 0600 file, creating
// root and root/sub 0700 (and refusing them if another user owns them).
func WritePrivate(root, sub, name string, data []byte) error {
	uid := currentUID()
	if err := ensurePrivateDir(root, uid); err != nil {
		return err
	}
	dir := filepath.Join(root, sub)
	if err := ensurePrivateDir(dir, uid); err != nil {
		return err
	}
	return writeAtomic(dir, name, data)
}

// maxIdentityFile bounds what is hashed of an identity file; a token file
// is a few hundred bytes.
const maxIdentityFile = 64 << 10

// IdentityFileParts hashes each identity file's content, for a cache key
// (not kept in clear: the key is a hash of all parts). A missing file is a
// part too, so that creating it changes the key.
func IdentityFileParts(paths []string) []string {
	parts := make([]string, 0, len(paths))
	for _, p := range paths {
		data, err := readHead(p, maxIdentityFile)
		if err != nil {
			parts = append(parts, "file "+p+" unreadable")
			continue
		}
		sum := sha256.Sum256(data)
		parts = append(parts, "file "+p+"="+hex.EncodeToString(sum[:]))
	}
	return parts
}

func readHead(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}
