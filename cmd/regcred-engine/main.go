// Command regcred-engine is regcred's engine: every backend, the OS
// keyring, and every command. docker-credential-regcred runs it for what
// it cannot answer alone; it also works on its own, with the same
// arguments. See the credhelper package and the README.
package main

import (
	"context"
	"os"

	"github.com/regcred/regcred/credhelper"
)

// version and commit are set at build time with -ldflags "-X main.version=…
// -X main.commit=…"; left empty, the build information fills them.
var version, commit string

func main() {
	os.Exit(credhelper.Main(context.Background(), credhelper.Build{Version: version, Commit: commit}, os.Args[1:]))
}
