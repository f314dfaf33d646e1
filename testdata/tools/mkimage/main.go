// Command mkimage writes a small random image as an OCI layout, for the demo
// to push into its local registry without reaching any outside registry.
package main

import (
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/random"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mkimage DIR")
		os.Exit(2)
	}
	img, err := random.Image(1024, 1)
	if err == nil {
		var p layout.Path
		if p, err = layout.Write(os.Args[1], empty.Index); err == nil {
			err = p.AppendImage(img)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}
