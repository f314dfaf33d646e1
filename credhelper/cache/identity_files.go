package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

// maxIdentityFile bounds what is hashed of an identity file: a token file
// is a few hundred bytes, but an AWS config with hundreds of SSO profiles
// runs past 64 KiB, and a change past the bound would go unseen.
const maxIdentityFile = 4 << 20

// IdentityFilesSum is the identity files' parts (IdentityFileParts) and
// one sum of them ("" for no files): what a cache key hashed, which a
// route records and the front compares, so both compute it here.
func IdentityFilesSum(paths []string) (parts []string, sum string) {
	parts = IdentityFileParts(paths)
	if len(parts) > 0 {
		sum = Key(parts...)
	}
	return parts, sum
}

// IdentityFileParts hashes each identity file's content, for a cache key
// (not kept in clear: the key is a hash of all parts). A missing file is a
// part too, so that creating it changes the key. The path is not: an
// identity counts by what its file says, not where it lives (a HOME of
// its own for each run, or ~/.aws read through another path, is the same
// identity). Where a path selects the identity, it is in the key already,
// as a setting or a variable; each part keeps its place in the list.
func IdentityFileParts(paths []string) []string {
	parts := make([]string, 0, len(paths))
	for _, p := range paths {
		sum, err := hashHead(p, maxIdentityFile)
		if err != nil {
			parts = append(parts, "file unreadable")
			continue
		}
		parts = append(parts, "file="+sum)
	}
	return parts
}

// hashHead is the hex SHA-256 of the file's first limit bytes, read as a
// stream.
func hashHead(path string, limit int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, limit)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
