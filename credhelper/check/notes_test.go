package check

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/matcher"
)

// fakeResolver answers the two questions the docker-config notes ask: is
// there a stored login, does an entry match. Any other call panics on the
// nil embedded interface, so a test using more fails loudly.
type fakeResolver struct {
	Resolver
	logins  map[string]bool
	matches map[string]bool
}

func (f fakeResolver) HasLogin(registry string) bool { return f.logins[registry] }

func (f fakeResolver) Match(t matcher.Target) []*config.Entry {
	if f.matches[t.Registry()] {
		return []*config.Entry{{}}
	}
	return nil
}

// TestDockerConfigNotes: a docker config that sends a registry to regcred
// is noted when its auths entry holds a credential docker no longer uses,
// or says a store holds a login that regcred neither keeps nor can answer.
func TestDockerConfigNotes(t *testing.T) {
	const reg = "registry.example.com"
	tests := []struct {
		name     string
		config   string // "" writes no file
		resolver fakeResolver
		want     []string // one substring per expected note
	}{
		{name: "no config file"},
		{name: "not JSON", config: `{"auths":`, want: []string{"is not valid JSON"}},
		{
			name:   "inline credential shadowed by credsStore",
			config: `{"credsStore":"regcred","auths":{"` + reg + `":{"auth":"eDp5"}}}`,
			want:   []string{`auths["` + reg + `"]`, "holds a credential docker no longer uses", "docker login " + reg},
		},
		{
			name:   "login left in the old store",
			config: `{"credsStore":"regcred","auths":{"` + reg + `":{}}}`,
			want:   []string{"says a credential store holds its login", "has none for " + reg},
		},
		{
			name:     "regcred keeps a login for it",
			config:   `{"credsStore":"regcred","auths":{"` + reg + `":{}}}`,
			resolver: fakeResolver{logins: map[string]bool{reg: true}},
		},
		{
			name:     "an entry answers for it",
			config:   `{"credsStore":"regcred","auths":{"` + reg + `":{}}}`,
			resolver: fakeResolver{matches: map[string]bool{reg: true}},
		},
		{
			name:   "another store answers",
			config: `{"credsStore":"desktop","auths":{"` + reg + `":{"auth":"eDp5"}}}`,
		},
		{
			name:   "credHelpers sends it to regcred",
			config: `{"credsStore":"desktop","credHelpers":{"` + reg + `":"regcred"},"auths":{"` + reg + `":{}}}`,
			want:   []string{"says a credential store holds its login"},
		},
		{
			name:   "credHelpers sends it elsewhere over credsStore",
			config: `{"credsStore":"regcred","credHelpers":{"` + reg + `":"gcloud"},"auths":{"` + reg + `":{"auth":"eDp5"}}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), []byte(tt.config), 0o600))
			}
			run := &Runner{LookupEnv: func(k string) (string, bool) {
				if k == "DOCKER_CONFIG" {
					return dir, true
				}
				return "", false
			}}
			notes := checker{run: run, r: tt.resolver}.dockerConfigNotes()
			if len(tt.want) == 0 {
				assert.Empty(t, notes)
				return
			}
			require.Len(t, notes, 1, "notes %q", notes)
			for _, w := range tt.want {
				assert.Contains(t, notes[0], w)
			}
		})
	}
}
