package config

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestKindTable: every kind has its own key, and settings a YAML mapping
// can fill; an entry of each decodes to that kind with `{}` settings or
// says what is missing, by the kind's name.
func TestKindTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		assert.NotEmpty(t, k.Name(), "a kind has no name")
		assert.False(t, seen[k.Name()], "kind %q: listed twice", k.Name())
		seen[k.Name()] = true
		assert.Equal(t, reflect.Struct, k.ConfigType().Kind(), "kind %s: settings type %s is not a struct", k.Name(), k.ConfigType())
		cfg, err := Parse("cfg.yaml", []byte("registries:\n  - match: a.io\n    "+k.Name()+": {}\n"))
		if err != nil {
			assert.ErrorContains(t, err, "registries[0]: "+k.Name()+": ", "kind %s: the error does not name the kind's settings", k.Name())
			continue
		}
		if assert.Equal(t, k.Name(), cfg.Registries[0].Kind(), "kind %s: the entry decoded as another kind", k.Name()) {
			assert.Equal(t, reflect.PointerTo(k.ConfigType()), reflect.TypeOf(cfg.Registries[0].Settings()), "kind %s: settings type", k.Name())
		}
	}
}
