// Command regcred-fetch is regcred's lean fetcher: the front runs it, next
// to itself, to renew a token whose route records a fetch it can repeat
// without the engine's SDKs (an ECR token signed with the environment's
// keys); for anything else it runs regcred-engine. See the fetch package.
package main

import (
	"context"
	"os"

	"github.com/regcred/regcred/credhelper/fetch"
)

func main() {
	os.Exit(fetch.Main(context.Background(), os.Args))
}
