package front

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/providers"
)

// warmFront is a front whose config has an ECR entry, whose file cache
// holds a fresh token for ecrHost (put there the way the engine puts it)
// and for which the engine has recorded the route of a get of ecrHost.
func warmFront(tb testing.TB) (*Front, *bytes.Buffer) {
	tb.Helper()
	fx := newFixture(tb, ecrConfig("file"), 0)
	fx.prime(tb, ecrHost, providers.Credential{Username: "AWS", Secret: "tok"}, time.Now(), 12*time.Hour)
	out, errOut, code := fx.engine(tb, ecrHost, "get")
	require.Equal(tb, 0, code, "the engine's get: stdout %q, stderr %q", out, errOut)
	require.Empty(tb, errOut, "the engine's get logged")
	require.Len(tb, fx.routeFiles(tb), 1, "the engine's get: routes")
	return fx.front(nil, runtime.GOOS)
}

func BenchmarkWarmGet(b *testing.B) {
	f, out := warmFront(b)
	for b.Loop() {
		out.Reset()
		f.Stdin = strings.NewReader(ecrHost)
		if a := f.Run(context.Background(), []string{"get"}); !a.Handled || a.Code != 0 || out.String() != tokenAnswer {
			b.Fatalf("not answered: %+v %s", a, out)
		}
	}
}
