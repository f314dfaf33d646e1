package cache

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"time"

	"github.com/regcred/regcred/providers"
)

// Options configure Open. The zero value is a working `auto` cache in the
// default directory with the real clock, environment and keyring.
type Options struct {
	// Kind is auto, sealed, keyring, file or none; "" means auto.
	Kind string
	// Dir holds the file store, the keyring index and the lock files;
	// "" means DefaultDir. Must be absolute.
	Dir string
	// Root is Dir already opened (OpenRoot), so that one process checks
	// and opens a directory once; ignored when its path is not Dir.
	Root *Root
	// TTL is how long a credential without an expiry (a long-lived secret)
	// is cached; 0 does not cache them. The config's default (5m) is the
	// caller's to apply.
	TTL time.Duration
	// NegativeTTL is how long an absent ambient identity
	// (providers.ErrAbsent) is remembered; 0 remembers none. The config's
	// default (10m) is the caller's to apply.
	NegativeTTL time.Duration
	// LockWait bounds how long a cold lookup waits for another process
	// fetching the same key before it fetches itself; 0 means
	// DefaultLockWait.
	LockWait time.Duration

	Now       func() time.Time
	LookupEnv func(string) (string, bool)
	Logger    *slog.Logger

	// Keyring is the OS keyring (oskeyring.System) or a test double. nil
	// means this program has none: auto and keyring use the file store. The
	// session-bus check applies to any keyring all the same.
	Keyring Keyring
	// Keyctl is the kernel's key calls (SystemKeyctl) or a test double;
	// nil means no sealed store: auto then works as keyring, and sealed
	// fails to open. The login store passes none: logins must outlive a
	// reboot, which the sealing key does not.
	Keyctl Keyctl
	// KeyringService is the service items are filed under; "" means
	// DefaultKeyringService.
	KeyringService string
	// KeyringTimeout bounds each keyring call; 0 means
	// DefaultKeyringTimeout.
	KeyringTimeout time.Duration
	// StrictRecords makes Get return ErrDamaged for a record that exists
	// and cannot be read, instead of a miss with a warning.
	StrictRecords bool
	// ChunkLimit is the most bytes one keyring item may hold; larger
	// records are chunked. 0 means the platform's limit (PlatformChunkLimit).
	ChunkLimit int
}

// DefaultLockWait outlasts one backend call (the resolver bounds those to
// 20s) so waiters normally get the holder's answer, yet a holder that hangs
// cannot stall every other pull for long.
const DefaultLockWait = 30 * time.Second

// PlatformChunkLimit is the largest value one keyring item takes on goos;
// 0 means no practical limit. Windows' Credential Manager refuses blobs
// over 2,560 bytes; macOS's security tool refuses commands over 4,096 bytes
// and go-keyring sends the value base64-encoded, so 2,048 leaves room for
// the service and item names.
func PlatformChunkLimit(goos string) int {
	switch goos {
	case "windows":
		return 2560
	case "darwin", "ios":
		return 2048
	}
	return 0
}

// withDefaults fills the zero fields and rejects bad ones, naming the field.
func (o Options) withDefaults() (Options, error) {
	if o.Kind == "" {
		o.Kind = KindAuto
	}
	switch o.Kind {
	case KindAuto, KindSealed, KindKeyring, KindFile, KindNone:
	default:
		return o, fmt.Errorf("%w: cache store %q: expected one of auto, sealed, keyring, file, none", providers.ErrInvalid, o.Kind)
	}
	if o.TTL < 0 || o.NegativeTTL < 0 || o.LockWait < 0 || o.KeyringTimeout < 0 {
		return o, fmt.Errorf("%w: cache TTL, negative TTL, lock wait and keyring timeout must not be negative", providers.ErrInvalid)
	}
	if o.ChunkLimit != 0 && o.ChunkLimit < MinChunkLimit {
		return o, fmt.Errorf("%w: keyring chunk limit %d is below the minimum %d", providers.ErrInvalid, o.ChunkLimit, MinChunkLimit)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LookupEnv == nil {
		o.LookupEnv = lookupEnvDefault
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.LockWait == 0 {
		o.LockWait = DefaultLockWait
	}
	if o.KeyringService == "" {
		o.KeyringService = DefaultKeyringService
	}
	if o.KeyringTimeout == 0 {
		o.KeyringTimeout = DefaultKeyringTimeout
	}
	if o.ChunkLimit == 0 {
		o.ChunkLimit = PlatformChunkLimit(runtime.GOOS)
	}
	return o, o.resolveDir()
}

func (o *Options) resolveDir() error {
	if o.Kind == KindNone {
		return nil
	}
	if o.Dir == "" {
		d, err := DefaultDir(o.LookupEnv)
		if err != nil {
			return err
		}
		o.Dir = d
	}
	if !filepath.IsAbs(o.Dir) {
		// Not quoted: a relative "path" may be a secret typed there.
		return fmt.Errorf("%w: cache dir is not an absolute path (the value is not shown, in case it is a secret typed there)", providers.ErrInvalid)
	}
	o.Dir = filepath.Clean(o.Dir)
	return nil
}

// ErrNoDir: the environment names no place for a cache (no $HOME). The
// caller may carry on without a cache.
var ErrNoDir = errors.New("no cache directory")

// DefaultDir is <user cache dir>/regcred, where the user cache dir follows
// os.UserCacheDir ($XDG_CACHE_HOME or ~/.cache on Linux, ~/Library/Caches
// on macOS, %LocalAppData% on Windows) but reads the injected environment.
func DefaultDir(lookupEnv func(string) (string, bool)) (string, error) {
	get := func(k string) string { v, _ := lookupEnv(k); return v }
	var base string
	switch runtime.GOOS {
	case "windows":
		base = get("LocalAppData")
		if base == "" {
			return "", fmt.Errorf("%w: %%LocalAppData%% is not set; set cache.dir", ErrNoDir)
		}
	case "darwin", "ios":
		if base = get("HOME"); base == "" {
			return "", fmt.Errorf("%w: $HOME is not set; set cache.dir", ErrNoDir)
		}
		base = filepath.Join(base, "Library", "Caches")
	default:
		base = get("XDG_CACHE_HOME")
		if base == "" {
			home := get("HOME")
			if home == "" {
				return "", fmt.Errorf("%w: neither $XDG_CACHE_HOME nor $HOME is set; set cache.dir", ErrNoDir)
			}
			base = filepath.Join(home, ".cache")
		}
	}
	if !filepath.IsAbs(base) {
		return "", fmt.Errorf("%w: %q is not an absolute path; set cache.dir", ErrNoDir, base)
	}
	return filepath.Join(base, "regcred"), nil
}
