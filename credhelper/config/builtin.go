package config

import "fmt"

// BuiltinEntries are the entries the kinds contribute themselves (their
// registrations' Defaults, in the table's order): the cloud registries
// that work with ambient credentials and no config file at all. They are
// appended after the file's entries unless the file says
// `defaults: false`. Their patterns are per-label globs; each backend
// re-checks the host with an anchored expression, so a token never goes
// to a look-alike host.
func BuiltinEntries() []*Entry {
	var out []*Entry
	for _, k := range Kinds() {
		for _, d := range k.Defaults() {
			e := Entry{Match: d.Match, Name: d.Name, source: "built-in",
				blocks: []block{{kind: d.Kind, settings: d.Kind.NewSettings()}}}
			if err := e.prepare(); err != nil {
				// The patterns are constants of ours; a bad one is a bug that the
				// builtin test catches, not something a user can cause.
				panic(fmt.Sprintf("built-in entry %s: %v", e.Match, err))
			}
			out = append(out, &e)
		}
	}
	return out
}
