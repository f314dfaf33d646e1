package fetch

import (
	"context"
	"os"
	"time"

	"github.com/regcred/regcred/credhelper/cache"
	"github.com/regcred/regcred/credhelper/front"
	"github.com/regcred/regcred/providers/ecr/ecrlean"
	"github.com/regcred/regcred/providers/netdeps"
)

// Main runs the fetcher on the real process: the front's own run, with
// the renewal by recipe the front leaves to it.
func Main(ctx context.Context, argv []string) int {
	r := Renewer{
		Recipes:   ecrlean.Fetcher{HTTPClient: netdeps.DefaultHTTPClient(), LookupEnv: os.LookupEnv, Now: time.Now},
		LookupEnv: os.LookupEnv, Now: time.Now, Keyctl: cache.SystemKeyctl(), Stderr: os.Stderr,
	}
	return front.MainWith(ctx, argv, r.Renew)
}
