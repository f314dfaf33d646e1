// Command dist makes regcred's release files (`make dist`; see
// internal/dist): dist -version V -commit C -epoch SECONDS -nfpm PATH
// -url URL -out DIR [os/arch …].
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/regcred/regcred/internal/dist"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := dist.Options{ModuleDir: ".", Go: "go", Log: stderr}
	fs.StringVar(&o.Version, "version", "", "the release's version (git describe)")
	fs.StringVar(&o.Commit, "commit", "", "the commit built (git rev-parse HEAD)")
	epoch := fs.String("epoch", "", "SOURCE_DATE_EPOCH: seconds since 1970, every date in the files")
	fs.StringVar(&o.NFPM, "nfpm", "", "the nfpm CLI")
	fs.StringVar(&o.URL, "url", "", `where the archives will be; "VERSION" is replaced`)
	fs.StringVar(&o.Out, "out", "dist", "the directory to write (replaced)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.Epoch, err = dist.ParseEpoch(*epoch); err != nil {
		return err
	}
	if o.Platforms, err = dist.ParsePlatforms(fs.Args()); err != nil {
		return err
	}
	return dist.Run(ctx, o)
}
