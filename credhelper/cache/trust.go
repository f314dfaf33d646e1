package cache

import (
	"errors"
	"fmt"
	"io"
)

// errUntrusted marks a file that exists but that this user did not write
// the way the cache writes: it is ignored and replaced, never read.
var errUntrusted = errors.New("untrusted cache file")

// readLimited reads what is left of r, refusing more than a record's size:
// anything larger is not ours.
func readLimited(r io.Reader, path string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxRecord+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxRecord {
		return nil, fmt.Errorf("%w: %s is larger than %d bytes", errUntrusted, path, maxRecord)
	}
	return data, nil
}
