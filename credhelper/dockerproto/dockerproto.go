package dockerproto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/regcred/regcred/matcher"
)

// ErrNotFound is the protocol's "no credential" answer. Clients compare the
// text byte for byte (docker-credential-helpers'
// IsErrCredentialsNotFoundMessage), so it must never change.
var ErrNotFound = errors.New("credentials not found in native keychain")

// ErrMissingServerURL and ErrMissingUsername carry the texts the reference
// client library recognises.
var (
	ErrMissingServerURL = errors.New("no credentials server URL")
	ErrMissingUsername  = errors.New("no credentials username")
)

// Input limits: a registry or image reference is at most a few hundred
// bytes; a store payload carries a token, which can be a few KiB (ECR's are
// about 2 KiB, Google's JWT-shaped ones more).
const (
	MaxRequestSize = 4 << 10
	MaxStoreSize   = 64 << 10
)

// Credentials is the wire shape of get's answer and store's input; field
// order and names are the protocol's.
type Credentials struct {
	ServerURL string
	Username  string
	Secret    string
}

// ReadLimited reads all of r, refusing more than limit bytes so a runaway
// caller cannot make the helper buffer without bound.
func ReadLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading stdin: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("stdin is longer than %d bytes; expected one registry or image reference", limit)
	}
	return data, nil
}

// ParseServerURL reads get's or erase's request: one registry or image.
func ParseServerURL(data []byte) (string, matcher.Target, error) {
	serverURL := strings.TrimSpace(string(data))
	if serverURL == "" {
		return "", matcher.Target{}, ErrMissingServerURL
	}
	target, err := matcher.Normalize(serverURL)
	if err != nil {
		return "", matcher.Target{}, err
	}
	return serverURL, target, nil
}

// WriteJSON encodes v the way the reference implementation does (HTML
// escaping on, trailing newline) and writes it in one call, so stdout never
// holds a partial answer.
func WriteJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}
