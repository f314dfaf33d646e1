// Command docker-credential-regcred is one credential helper for every
// container registry; see the credhelper package and the README.
package main

import (
	"context"
	"os"

	"github.com/regcred/regcred/credhelper"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(credhelper.Main(context.Background(), version, os.Args[1:]))
}
