package cache

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/regcred/regcred/providers"
)

// formatVersion is written into every record. A record of another version
// is treated as a miss and replaced, so a format change never needs a
// migration and an old binary never misreads a new record.
const formatVersion = 1

// maxRecord bounds what is read back: a credential record is a few KiB at
// most, so anything larger is not ours.
const maxRecord = 256 << 10

// record is the stored form of an Entry. It is the one place the secret is
// written in clear, which is why it is a separate type: providers.Secret
// marshals as "[redacted]" everywhere else.
type record struct {
	V         int       `json:"v"`
	Key       string    `json:"key"`
	Username  string    `json:"username"`
	Secret    string    `json:"secret"`
	ExpiresAt time.Time `json:"expiresAt"`
	StoredAt  time.Time `json:"storedAt"`
	LongLived bool      `json:"longLived,omitempty"`
	Registry  string    `json:"registry"`
	Source    string    `json:"source"`
	ServerURL string    `json:"serverURL,omitempty"`
}

// indexRecord is what the keyring store keeps on disk so `cache list` works
// without reading the keyring. It has no field that could hold a secret.
type indexRecord struct {
	V         int       `json:"v"`
	Key       string    `json:"key"`
	ExpiresAt time.Time `json:"expiresAt"`
	StoredAt  time.Time `json:"storedAt"`
	LongLived bool      `json:"longLived,omitempty"`
	Registry  string    `json:"registry"`
	Source    string    `json:"source"`
	ServerURL string    `json:"serverURL,omitempty"`
}

var errBadRecord = errors.New("not a regcred cache record")

// ErrDamaged: a stored record exists and cannot be read (corrupt,
// truncated, not the user's, open to others, made for another key). The
// token cache takes it for a miss and replaces it; a store opened with
// Options.StrictRecords (the login store: its records are the user's only
// copy) returns it as an error.
var ErrDamaged = errors.New("stored record cannot be read")

// errMismatch marks a well-formed record made for another key or registry
// than the one asked for: a file copied or renamed, an item swapped. It is
// absent for this request (and replaced by its next write), not corrupt.
var errMismatch = errors.New("cache record made for another request")

// recordToPut checks a Put's arguments (a live context, a Key-shaped key,
// an entry worth keeping) and encodes the record every store writes.
func recordToPut(ctx context.Context, key string, e Entry) ([]byte, error) {
	if err := checkCall(ctx, key); err != nil {
		return nil, err
	}
	if err := e.validate(); err != nil {
		return nil, err
	}
	return encodeRecord(key, e)
}

func encodeRecord(key string, e Entry) ([]byte, error) {
	data, err := json.Marshal(record{V: formatVersion, Key: key, Username: e.Username, Secret: e.Secret.Reveal(),
		ExpiresAt: e.ExpiresAt, StoredAt: e.StoredAt, LongLived: e.LongLived, Registry: e.Registry, Source: e.Source, ServerURL: e.ServerURL})
	if err != nil {
		return nil, fmt.Errorf("encoding cache entry for %q: %w", e.Registry, err)
	}
	if len(data) > maxRecord {
		return nil, fmt.Errorf("%w: cache entry for %q is %d bytes, more than %d", providers.ErrInvalid, e.Registry, len(data), maxRecord)
	}
	return data, nil
}

// decodeRecord trusts nothing: unknown fields, another version, another
// key (a file renamed or an item swapped) or a missing expiry all fail.
// Errors describe the shape, never the content.
func decodeRecord(data []byte, key string) (Entry, error) {
	r, ok := decodeRecordFast(data)
	if !ok {
		if err := strictDecode(data, &r); err != nil {
			return Entry{}, err
		}
	}
	if err := checkHeader(r.V, r.Key, key); err != nil {
		return Entry{}, err
	}
	e := Entry{Username: r.Username, Secret: providers.Secret(r.Secret), ExpiresAt: r.ExpiresAt, StoredAt: r.StoredAt,
		LongLived: r.LongLived, Registry: r.Registry, Source: r.Source, ServerURL: r.ServerURL}
	if err := e.validate(); err != nil {
		return Entry{}, fmt.Errorf("%w: %w", errBadRecord, err)
	}
	return e, nil
}

func encodeIndex(key string, e Entry) ([]byte, error) {
	return json.Marshal(indexRecord{V: formatVersion, Key: key, ExpiresAt: e.ExpiresAt, StoredAt: e.StoredAt,
		LongLived: e.LongLived, Registry: e.Registry, Source: e.Source, ServerURL: e.ServerURL})
}

func decodeIndex(data []byte, key string) (Info, error) {
	var r indexRecord
	if err := strictDecode(data, &r); err != nil {
		return Info{}, err
	}
	if err := checkHeader(r.V, r.Key, key); err != nil {
		return Info{}, err
	}
	if r.ExpiresAt.IsZero() {
		return Info{}, fmt.Errorf("%w: no expiry", errBadRecord)
	}
	return Info{Key: key, Registry: r.Registry, Source: r.Source, StoredAt: r.StoredAt, ExpiresAt: r.ExpiresAt, LongLived: r.LongLived, ServerURL: r.ServerURL}, nil
}

func strictDecode(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		// The decoder's message can quote content; keep only the fact.
		return fmt.Errorf("%w: malformed JSON", errBadRecord)
	}
	if dec.Decode(&json.RawMessage{}) != io.EOF {
		return fmt.Errorf("%w: trailing data", errBadRecord)
	}
	return nil
}

func checkHeader(version int, got, want string) error {
	if version != formatVersion {
		return fmt.Errorf("%w: format version %d, want %d", errBadRecord, version, formatVersion)
	}
	if got != want {
		return fmt.Errorf("%w: written for another key", errMismatch)
	}
	return nil
}
