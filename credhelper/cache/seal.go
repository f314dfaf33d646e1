package cache

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
)

// A sealed record is
//
//	regcred-sealed 1 <key fingerprint>\n
//	<the entry's secret-free index record (JSON)>\n
//	<12-byte nonce><AES-256-GCM of the plain record>
//
// The first two lines are in clear so that `cache list`, `cache clear` and
// the sweep of expired entries work without the key. The additional data
// is the cache key the reader asks for and those two lines (which name the
// registry), so a record renamed to another key, or with its registry or
// expiry edited, does not open. The fingerprint tells a record sealed under
// a key that is gone (a reboot, the keyring's expiry) from a damaged one.
const sealMagic = "regcred-sealed 1 "

const fingerprintLen = 16

// errSealedElsewhere: the record was sealed under another key than the
// keyring holds now. It cannot be opened; it is absent, and replaced by the
// next write.
var errSealedElsewhere = errors.New("sealed under a key that is gone")

func fingerprint(k []byte) string {
	sum := sha256.Sum256(append([]byte("regcred seal fingerprint\x00"), k...))
	return hex.EncodeToString(sum[:fingerprintLen/2])
}

func additionalData(key string, header []byte) []byte {
	return append([]byte("regcred-sealed\x00"+key+"\x00"), header...)
}

func newAEAD(k []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadSealKey, err)
	}
	return cipher.NewGCM(block)
}

// sealRecord seals plain (encodeRecord's output for key and e) under k.
func sealRecord(key string, e Entry, plain, k []byte, rnd io.Reader) ([]byte, error) {
	aead, err := newAEAD(k)
	if err != nil {
		return nil, err
	}
	index, err := encodeIndex(key, e)
	if err != nil {
		return nil, fmt.Errorf("encoding the sealed record's header: %w", err)
	}
	header := append([]byte(sealMagic+fingerprint(k)+"\n"), index...)
	header = append(header, '\n')
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(rnd, nonce); err != nil {
		return nil, fmt.Errorf("making a nonce: %w", err)
	}
	out := append(bytes.Clone(header), nonce...)
	return aead.Seal(out, nonce, plain, additionalData(key, header)), nil
}

// splitSealed cuts a sealed record into its fingerprint, its clear header
// (both lines) and its index line, and the sealed body.
func splitSealed(data []byte) (fp string, header, index, body []byte, err error) {
	rest, ok := bytes.CutPrefix(data, []byte(sealMagic))
	if !ok || len(rest) < fingerprintLen+1 || rest[fingerprintLen] != '\n' {
		return "", nil, nil, nil, fmt.Errorf("%w: no sealed-record header", errBadRecord)
	}
	fp = string(rest[:fingerprintLen])
	rest = rest[fingerprintLen+1:]
	end := bytes.IndexByte(rest, '\n')
	if end < 0 {
		return "", nil, nil, nil, fmt.Errorf("%w: truncated sealed record", errBadRecord)
	}
	hlen := len(data) - len(rest) + end + 1
	return fp, data[:hlen], rest[:end], data[hlen:], nil
}

// openSealed opens a sealed record read under key with k. Its errors
// describe the shape, never the content: errSealedElsewhere (another key),
// errMismatch (does not open: made for another key or registry, or
// altered), errBadRecord (not a sealed record, or not a record inside).
func openSealed(data []byte, key string, k []byte) (Entry, error) {
	fp, header, _, body, err := splitSealed(data)
	if err != nil {
		return Entry{}, err
	}
	if fp != fingerprint(k) {
		return Entry{}, errSealedElsewhere
	}
	aead, err := newAEAD(k)
	if err != nil {
		return Entry{}, err
	}
	if len(body) < aead.NonceSize()+aead.Overhead() {
		return Entry{}, fmt.Errorf("%w: truncated sealed record", errBadRecord)
	}
	n := aead.NonceSize()
	plain, err := aead.Open(nil, body[:n], body[n:], additionalData(key, header))
	if err != nil {
		return Entry{}, fmt.Errorf("%w: the sealed record does not open under this name (moved, renamed or altered)", errMismatch)
	}
	return decodeRecord(plain, key)
}
