package credhelper

import (
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// builder builds an entry's backend.
type builder func(*config.Entry, netdeps.Deps) (providers.Provider, error)

// builders is the kind → constructor table, made from the config's kind
// table (config.Kinds): each kind builds its backend from the entry's
// settings. The resolver adds the engine's own kinds (a stored login).
func builders() map[string]builder {
	m := map[string]builder{}
	for _, k := range config.Kinds() {
		m[k.Name()] = func(e *config.Entry, d netdeps.Deps) (providers.Provider, error) {
			return k.Build(e.Settings(), d)
		}
	}
	return m
}
