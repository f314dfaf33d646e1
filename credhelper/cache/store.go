package cache

import "context"

// Store holds entries by key. Every implementation is safe for concurrent
// use within a process; across processes, writes are atomic (a reader sees
// the old entry or the new one, never a mix) and Locker serialises fetches.
//
// There is no way to store a failure: Put takes a credential or nothing.
type Store interface {
	// Get returns the entry for key. A miss, an expired entry and an entry
	// that cannot be trusted (corrupt, foreign, another format) all return
	// ok=false with a nil error; err is for a store that cannot be read.
	Get(ctx context.Context, key string) (e Entry, ok bool, err error)
	// Put stores e under key, replacing what was there.
	Put(ctx context.Context, key string, e Entry) error
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List describes every entry, secrets left out.
	List(ctx context.Context) ([]Info, error)
	// Name is "sealed", "keyring", "file" or "none".
	Name() string
}

// Store names, as in the config's cache.store.
const (
	KindAuto    = "auto"
	KindKeyring = "keyring"
	KindFile    = "file"
	KindSealed  = "sealed"
	KindNone    = "none"
)

// noneStore caches nothing.
type noneStore struct{}

func (noneStore) Get(context.Context, string) (Entry, bool, error) { return Entry{}, false, nil }
func (noneStore) Put(context.Context, string, Entry) error         { return nil }
func (noneStore) Delete(context.Context, string) error             { return nil }
func (noneStore) List(context.Context) ([]Info, error)             { return nil, nil }
func (noneStore) Name() string                                     { return KindNone }
