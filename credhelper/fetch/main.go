package fetch

import (
	"context"

	"github.com/regcred/regcred/credhelper/front"
)

// Main runs the fetcher on the real process.
func Main(ctx context.Context, argv []string) int {
	return front.Main(ctx, argv)
}
