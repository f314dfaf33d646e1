// Command image is `make image`: regcred-controller's OCI image, written as
// an OCI layout directory (internal/ociimage). Usage:
//
//	image -ca CERTS -epoch SECONDS -version V -revision R -out DIR os/arch=BINARY...
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/regcred/regcred/internal/ociimage"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	ca := fs.String("ca", "/etc/ssl/certs/ca-certificates.crt", "PEM bundle of CA certificates (Debian's ca-certificates)")
	epoch := fs.String("epoch", "", "every timestamp in the image, in seconds since 1970 (SOURCE_DATE_EPOCH)")
	version := fs.String("version", "dev", "the image's version label")
	revision := fs.String("revision", "", "the image's revision label (the commit)")
	out := fs.String("out", "bin/image/regcred-controller", "the OCI layout directory to write (replaced)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	secs, err := strconv.ParseInt(*epoch, 10, 64)
	if err != nil {
		return fmt.Errorf("-epoch %q: seconds since 1970 (SOURCE_DATE_EPOCH) wanted", *epoch)
	}
	o := ociimage.Options{
		Name: "regcred-controller", CACerts: *ca, Epoch: time.Unix(secs, 0),
		Version: *version, Revision: *revision, Ref: "regcred-controller:" + *version,
	}
	for _, a := range fs.Args() {
		plat, bin, ok := strings.Cut(a, "=")
		osName, arch, ok2 := strings.Cut(plat, "/")
		if !ok || !ok2 || bin == "" {
			return fmt.Errorf("%q: want os/arch=BINARY", a)
		}
		o.Platforms = append(o.Platforms, ociimage.Platform{OS: osName, Arch: arch, Binary: bin})
	}
	digest, err := ociimage.Write(*out, o)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %s (%s)\n", *out, o.Ref, digest)
	return nil
}
