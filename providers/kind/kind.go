package kind

import (
	"fmt"
	"reflect"

	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// Config is what a kind's settings type must be: a block of the config
// file that checks itself without I/O.
type Config interface{ Validate() error }

// Spec is what a backend says about its kind; New makes the Kind.
type Spec[C Config, P providers.Provider] struct {
	// Name is the kind's key in a registry entry ("static", "ecr", …).
	Name string
	// Cached says whether the kind's credentials go through the token
	// cache. Local sources are not: reading them is as cheap as reading
	// the cache, and caching would only make a second copy of the secret.
	Cached bool
	// Defaults returns the kind's built-in entries; nil: it has none.
	Defaults func() []Default
	// New builds the backend from an entry's settings. nil for a kind
	// whose entries the engine builds itself (a stored `docker login`).
	New func(C, netdeps.Deps) (P, error)
}

// Kind is one registered backend kind. Its settings values are always a
// *C of the Spec's C.
type Kind struct {
	name        string
	cached      bool
	configType  reflect.Type
	defaults    func() []Default
	newSettings func() any
	validate    func(any) error
	build       func(any, netdeps.Deps) (providers.Provider, error)
}

// New makes the Kind a Spec describes.
func New[C Config, P providers.Provider](s Spec[C, P]) *Kind {
	settingsOf := func(settings any) (*C, error) {
		c, ok := settings.(*C)
		if !ok || c == nil {
			return nil, fmt.Errorf("%w: %s: the settings are a %T, not a %s", providers.ErrInvalid, s.Name, settings, reflect.TypeFor[*C]())
		}
		return c, nil
	}
	return &Kind{
		name:        s.Name,
		cached:      s.Cached,
		configType:  reflect.TypeFor[C](),
		defaults:    s.Defaults,
		newSettings: func() any { return new(C) },
		validate: func(settings any) error {
			c, err := settingsOf(settings)
			if err != nil {
				return err
			}
			return (*c).Validate()
		},
		build: func(settings any, d netdeps.Deps) (providers.Provider, error) {
			c, err := settingsOf(settings)
			if err != nil {
				return nil, err
			}
			if s.New == nil {
				return nil, fmt.Errorf("%w: the %s kind builds no backend by itself", providers.ErrInvalid, s.Name)
			}
			return s.New(*c, d)
		},
	}
}

// Name is the kind's key in a registry entry.
func (k *Kind) Name() string { return k.name }

// Cached says whether the kind's credentials go through the token cache.
func (k *Kind) Cached() bool { return k.cached }

// ConfigType is the kind's settings type C (not *C).
func (k *Kind) ConfigType() reflect.Type { return k.configType }

// NewSettings returns empty settings, a new *C: those of an entry whose
// block is `{}`.
func (k *Kind) NewSettings() any { return k.newSettings() }

// Validate checks settings, a *C.
func (k *Kind) Validate(settings any) error { return k.validate(settings) }

// Build makes the backend for settings, a *C.
func (k *Kind) Build(settings any, d netdeps.Deps) (providers.Provider, error) {
	return k.build(settings, d)
}

// Local adapts the constructor of a backend that needs no network, one
// that takes providers.Deps, to Spec.New.
func Local[C, P any](newFn func(C, providers.Deps) (P, error)) func(C, netdeps.Deps) (P, error) {
	return func(c C, d netdeps.Deps) (P, error) { return newFn(c, d.Deps) }
}
