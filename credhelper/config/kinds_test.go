package config

import (
	"reflect"
	"strings"
	"testing"
)

// TestKindTable: every kind has its own key, and settings a YAML mapping
// can fill; an entry of each decodes to that kind with `{}` settings or
// says what is missing, by the kind's name.
func TestKindTable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if k.Name() == "" || seen[k.Name()] {
			t.Errorf("kind %q: empty or listed twice", k.Name())
		}
		seen[k.Name()] = true
		if k.ConfigType().Kind() != reflect.Struct {
			t.Errorf("kind %s: settings type %s is not a struct", k.Name(), k.ConfigType())
		}
		cfg, err := Parse("cfg.yaml", []byte("registries:\n  - match: a.io\n    "+k.Name()+": {}\n"))
		switch {
		case err == nil && cfg.Registries[0].Kind() != k.Name():
			t.Errorf("kind %s: the entry decoded as %s", k.Name(), cfg.Registries[0].Kind())
		case err == nil && reflect.TypeOf(cfg.Registries[0].Settings()) != reflect.PointerTo(k.ConfigType()):
			t.Errorf("kind %s: settings are a %T", k.Name(), cfg.Registries[0].Settings())
		case err != nil && !strings.Contains(err.Error(), "registries[0]: "+k.Name()+": "):
			t.Errorf("kind %s: the error does not name the kind's settings: %v", k.Name(), err)
		}
	}
}
