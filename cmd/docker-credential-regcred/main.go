// Command docker-credential-regcred is one credential helper for every
// container registry. It answers warm requests itself and runs
// regcred-engine, installed next to it, for the rest; see the front
// package and the README.
package main

import (
	"context"
	"os"

	"github.com/regcred/regcred/credhelper/front"
)

func main() {
	os.Exit(front.Main(context.Background(), os.Args))
}
