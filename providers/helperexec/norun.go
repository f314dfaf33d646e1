package helperexec

import (
	"context"
	"fmt"

	"github.com/regcred/regcred/providers"
)

// ErrNotRun: the caller's context forbids running helpers (NoRun). It
// wraps providers.ErrUnavailable.
var ErrNotRun = fmt.Errorf("%w: another credential helper would be asked, and this command runs none", providers.ErrUnavailable)

type noRunKey struct{}

// NoRun marks ctx so that no helper is run under it: `list` reads only
// what this machine holds, and another helper is a backend of its own.
func NoRun(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRunKey{}, true)
}

func mayRun(ctx context.Context) bool {
	no, _ := ctx.Value(noRunKey{}).(bool)
	return !no
}
