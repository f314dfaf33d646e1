package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/regcred/regcred/credhelper/clientsetup"

	"github.com/regcred/regcred/matcher"
)

// dockerConfigView is what `check` reads of docker's config.json.
type dockerConfigView struct {
	Auths       map[string]map[string]json.RawMessage `json:"auths"`
	CredsStore  string                                `json:"credsStore"`
	CredHelpers map[string]string                     `json:"credHelpers"`
}

// dockerConfigNotes reads docker's config.json and notes the logins docker
// no longer reaches: an auths entry docker now asks regcred about (through
// credsStore or credHelpers) while regcred neither stores a login for that
// registry nor has an entry that matches it — its credential is in the
// store that was configured when docker login ran — and an inline auths
// credential that a helper now shadows. A missing or unreadable file has
// nothing to note (check is not about docker's file).
func (c checker) dockerConfigNotes() []string {
	dir, err := clientsetup.DockerConfigDir(c.run.LookupEnv, c.run.Home)
	if err != nil {
		return nil
	}
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var cfg dockerConfigView
	if json.Unmarshal(data, &cfg) != nil {
		return []string{fmt.Sprintf("%s is not valid JSON; docker will not read it either", path)}
	}
	var notes []string
	for _, key := range slices.Sorted(maps.Keys(cfg.Auths)) {
		t, err := matcher.Normalize(key)
		if err != nil || cfg.helperFor(key, t.Registry()) != clientsetup.HelperName {
			continue
		}
		if note := c.shadowNote(path, key, t, cfg.Auths[key]); note != "" {
			notes = append(notes, note)
		}
	}
	return notes
}

func (c checker) shadowNote(path, key string, t matcher.Target, entry map[string]json.RawMessage) string {
	if entry["auth"] != nil || entry["identitytoken"] != nil || entry["password"] != nil {
		return fmt.Sprintf("auths[%q] in %s holds a credential docker no longer uses: it asks regcred for %s; remove the entry, or `docker login %s` to store it in regcred", key, path, t.Registry(), t.Registry())
	}
	if c.r.HasLogin(t.Registry()) {
		return ""
	}
	if len(c.r.Match(t)) > 0 {
		return ""
	}
	return fmt.Sprintf("auths[%q] in %s says a credential store holds its login, but docker now asks regcred, which has none for %s: the login is in the store configured when docker login ran; `docker login %s` again stores it in regcred", key, path, t.Registry(), t.Registry())
}

// helperFor is the helper docker asks about key: its credHelpers entry
// (as written, or as the registry it names), else credsStore.
func (cfg dockerConfigView) helperFor(key, registry string) string {
	if h, ok := cfg.CredHelpers[key]; ok {
		return h
	}
	if h, ok := cfg.CredHelpers[registry]; ok {
		return h
	}
	return cfg.CredsStore
}

// writeNotes prints the report's notes, if any.
func (rep *Report) writeNotes(b *bytes.Buffer) {
	if len(rep.Notes) == 0 {
		return
	}
	fmt.Fprintln(b)
	fmt.Fprintln(b, "Notes:")
	for _, n := range rep.Notes {
		fmt.Fprintf(b, "  - %s\n", n)
	}
}
