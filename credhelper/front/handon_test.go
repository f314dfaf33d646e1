package front

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
)

// TestHandOnAsChildren drives the hand-off to the fetcher and then the
// engine as it runs where there is no exec (Windows: runChild), with real
// child processes: scripts standing in for them that say who ran, with
// what stdin and GOMAXPROCS, and exit with a chosen status.
func TestHandOnAsChildren(t *testing.T) {
	script := func(who string) string {
		return "#!/bin/sh\necho \"" + who + " stdin=$(cat) GOMAXPROCS=${GOMAXPROCS:-unset}\"\nexit \"${CODE:-0}\"\n"
	}
	tests := []struct {
		name    string
		fetch   bool
		fetcher bool // the fetcher is installed
		code    string
		want    string
		exit    int
	}{
		{name: "the fetcher answers", fetch: true, fetcher: true, code: "0", want: "fetcher stdin=reg.example.com GOMAXPROCS=1\n"},
		{name: "the fetcher's failure is passed on, the engine not run again", fetch: true, fetcher: true, code: "1",
			want: "fetcher stdin=reg.example.com GOMAXPROCS=1\n", exit: 1},
		{name: "no fetcher: the engine renews", fetch: true, code: "0", want: "engine stdin=reg.example.com GOMAXPROCS=unset\n"},
		{name: "no fetcher: the engine's status", fetch: true, code: "7", want: "engine stdin=reg.example.com GOMAXPROCS=unset\n", exit: 7},
		{name: "not a renewal: the engine", fetcher: true, code: "3", want: "engine stdin=reg.example.com GOMAXPROCS=unset\n", exit: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			engine := filepath.Join(dir, EngineName)
			testkit.WriteFileMode(t, engine, script("engine"), 0o700)
			if tt.fetcher {
				testkit.WriteFileMode(t, fetcherPath(engine), script("fetcher"), 0o700)
			}
			var stdout bytes.Buffer
			run := func(role, path string, argv, env []string, consumed []byte) error {
				return runChild(role, path, argv, env, consumed, strings.NewReader(".com"), &stdout, &bytes.Buffer{})
			}
			env := []string{"PATH=" + os.Getenv("PATH"), "CODE=" + tt.code}
			err := handOn(run, engine, tt.fetch, []string{"docker-credential-regcred", "get"}, env, []byte("reg.example"))
			var ec exitCode
			require.ErrorAs(t, err, &ec)
			assert.Equal(t, tt.exit, int(ec))
			assert.Equal(t, tt.want, stdout.String())
		})
	}
}
