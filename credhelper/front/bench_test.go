package front

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// warmFront is a front whose config has an ECR entry and whose file cache
// holds a fresh token for ecrHost, put there the way the engine puts it.
func warmFront(tb testing.TB) (*Front, *bytes.Buffer) {
	tb.Helper()
	fx := newFixture(tb, ecrConfig("file"), 0)
	fx.prime(tb, ecrHost, "tok", time.Now(), 12*time.Hour)
	return fx.front(nil, runtime.GOOS)
}

func BenchmarkWarmGet(b *testing.B) {
	f, out := warmFront(b)
	for b.Loop() {
		out.Reset()
		f.Stdin = strings.NewReader(ecrHost)
		if a := f.Run(context.Background(), []string{"get"}); !a.Handled || a.Code != 0 {
			b.Fatalf("not answered: %+v %s", a, out)
		}
	}
}
