// Command docker-credential-regcred is one credential helper for every
// container registry. It answers warm requests itself, runs regcred-fetch,
// installed next to it, to renew a token the fetcher can fetch again, and
// regcred-engine, installed there too, for the rest; see the front package
// and the README.
package main

import (
	"context"
	"os"

	"github.com/regcred/regcred/credhelper/front"
)

func main() {
	os.Exit(front.Main(context.Background(), os.Args))
}
