package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

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
