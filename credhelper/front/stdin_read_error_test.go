package front

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/credhelper"
	"github.com/regcred/regcred/credhelper/config"
	"github.com/regcred/regcred/providers"
	"github.com/regcred/regcred/providers/netdeps"
)

// TestStdinErrorIsNotReplayedAsEOF: when reading stdin fails part
// way, handing off what was read would show the engine (after a Unix
// handOff: those bytes, then a clean end of file) a truncated request it
// would have refused: here a credential for a path the caller never asked
// about. The front answers the failure itself, as the engine does on the
// same stdin, and the replay would indeed have differed.
func TestStdinErrorIsNotReplayedAsEOF(t *testing.T) {
	fx := newFixture(t, staticConfig, 0)
	failing := func() io.Reader {
		return io.MultiReader(strings.NewReader("reg.example.com/te"), iotest.ErrReader(errors.New("input/output error")))
	}
	f, out := fx.front(failing(), "linux")
	ans := f.Run(context.Background(), []string{"get"})
	directOut, directCode := fx.engineOn(t, failing())
	require.Equal(t, 1, directCode, "the engine on the failing stdin")
	require.True(t, ans.Handled, "the front handed off %+v", ans)
	require.Equal(t, directOut, out.String(), "the front's answer, against the engine's on the same stdin")
	require.Equal(t, directCode, ans.Code, "the front's exit code, against the engine's on the same stdin")
	replayedOut, _ := fx.engineOn(t, bytes.NewReader(ans.Consumed))
	assert.NotEqual(t, directOut, replayedOut, "a replay of the bytes read answers like the failed read: the test proves nothing")
}

// engineOn runs the engine's get on stdin, without routes or network.
func (fx *fixture) engineOn(tb testing.TB, stdin io.Reader) (string, int) {
	tb.Helper()
	var out, errOut bytes.Buffer
	app := &credhelper.App{
		Stdin: stdin, Stdout: &out, Stderr: &errOut,
		Env: config.Env{LookupEnv: fx.lookup, HomeDir: fx.env["HOME"]},
		Deps: netdeps.Deps{
			HTTPClient: &http.Client{Transport: noNetwork{}},
			Deps:       providers.Deps{Now: time.Now, LookupEnv: fx.lookup, Logger: slog.New(slog.DiscardHandler)},
		},
		Version: "test",
	}
	code := app.Run(context.Background(), []string{"get"})
	return out.String(), code
}
