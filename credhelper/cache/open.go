package cache

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

func lookupEnvDefault(k string) (string, bool) { return os.LookupEnv(k) }

// Open returns the cache opts describe. It opens the cache directory once
// (OpenRoot; opts.Root when the caller already has it open) and looks for
// a session bus; missing directories are created on the first write, so a
// warm lookup costs the directory's checks and one file read (file store)
// or one keyring call. A directory that fails its checks is an error
// (errors.Is(err, ErrUntrustedRoot)): the caller decides whether to go on
// without a cache.
//
// auto puts the sealed store first where Options.Keyctl is given; sealed
// is that store alone, and fails with ErrSealUnavailable when the kernel
// refuses the key calls. auto (behind the sealed store) and keyring use the
// OS keyring where one is usable, with the file store behind it for calls
// the keyring fails. Where go-keyring needs D-Bus
// (Linux, BSD) and no session bus exists, no keyring call is ever made and
// the file store is used; keyring says so in a warning, auto silently.
func Open(opts Options) (*Cache, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	c := &Cache{ttl: o.TTL, negativeTTL: o.NegativeTTL, now: o.Now, log: o.Logger}
	if o.Kind == KindNone {
		c.store = noneStore{}
		return c, nil
	}
	root := o.Root
	if root == nil || root.Path() != o.Dir {
		if root, err = OpenRoot(o.Dir); err != nil {
			return nil, err
		}
	}
	c.dir = o.Dir
	c.locker = NewLocker(root, o.LockWait)
	file := newFileStore(root, o.Now, o.Logger)
	file.strict = o.StrictRecords
	switch o.Kind {
	case KindFile:
		c.store = file
	case KindSealed:
		c.store, err = o.sealedAlone(root)
	case KindAuto:
		c.store = o.keyringOrFile(root, file)
		if o.Keyctl != nil {
			c.store = &sealedFirst{sealed: o.sealedStore(root), rest: c.store, log: o.Logger}
		}
	default:
		c.store = o.keyringOrFile(root, file)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ErrSealUnavailable: the sealed store was asked for alone and the kernel
// cannot hold its key here.
var ErrSealUnavailable = errors.New("the sealed token store is unavailable")

func (o Options) sealedStore(root *Root) *sealedStore {
	s := newSealedStore(root, newSealKeys(o.Keyctl), o.Now, o.Logger)
	s.strict = o.StrictRecords
	return s
}

// sealedAlone is `store: sealed`: the sealed store and nothing behind it,
// after one kernel call has shown the persistent keyring can be used.
func (o Options) sealedAlone(root *Root) (Store, error) {
	if o.Keyctl == nil {
		return nil, fmt.Errorf("%w: cache store sealed needs Linux's persistent keyrings; use auto or file here", ErrSealUnavailable)
	}
	s := o.sealedStore(root)
	if err := s.keys.probe(); err != nil {
		return nil, fmt.Errorf("%w: cache store sealed: %w; use auto or file here", ErrSealUnavailable, err)
	}
	return s, nil
}

// keyringOrFile is the OS keyring with the file store behind it where one
// is usable, else the file store.
func (o Options) keyringOrFile(root *Root, file *fileStore) Store {
	kr, ok := o.keyring(runtime.GOOS)
	if !ok {
		if o.Kind == KindKeyring {
			o.Logger.Warn("cache store is keyring, but there is no D-Bus session bus; using the file cache", "dir", o.Dir)
		} else if o.Keyring != nil {
			o.Logger.Debug("Secret Service not used: nothing serves a session bus here; the file store takes its place", "dir", o.Dir)
		}
		return file
	}
	return &fallbackStore{
		keyring: &keyringStore{
			kr:      boundedKeyring{k: kr, timeout: o.KeyringTimeout},
			service: o.KeyringService,
			limit:   o.ChunkLimit,
			index:   newKeyringIndex(root, o.Logger),
			now:     o.Now,
			log:     o.Logger,
			strict:  o.StrictRecords,
		},
		file: file,
		log:  o.Logger,
	}
}

// keyring returns the keyring to use, or false when there is none: no
// keyring was given (a program that links no keyring), or calling it could
// start a D-Bus daemon.
func (o Options) keyring(goos string) (Keyring, bool) {
	if o.Keyring == nil {
		return nil, false
	}
	if !usesDBus(goos) {
		return o.Keyring, true
	}
	pin, ok := busProbe{lookupEnv: o.LookupEnv, runUser: defaultRunUser()}.find()
	if !ok {
		return nil, false
	}
	if b, isBusUser := o.Keyring.(busUser); isBusUser && pin != "" {
		if err := b.UseBus(pin); err != nil {
			o.Logger.Warn("cannot use the session bus; using the file cache", "error", err)
			return nil, false
		}
	}
	return o.Keyring, true
}

// UsesKeyring reports whether Open would put the keyring in front of the
// file store, given a keyring: auto or keyring, and (where go-keyring speaks
// D-Bus) a session bus. It calls no keyring. The front binary, which links
// none, hands such requests to the engine, which does.
func (o Options) UsesKeyring(goos string) bool {
	if o.Kind != KindAuto && o.Kind != KindKeyring && o.Kind != "" {
		return false
	}
	if !usesDBus(goos) {
		return true
	}
	lookup := o.LookupEnv
	if lookup == nil {
		lookup = lookupEnvDefault
	}
	_, ok := busProbe{lookupEnv: lookup, runUser: defaultRunUser()}.find()
	return ok
}
