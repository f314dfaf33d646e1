// Command rss runs a command and prints its peak resident set in KiB on
// stderr. The benchmark cannot ask the kernel directly: Go starts children
// with vfork, and a vforked child's ru_maxrss counts its parent's memory
// (the test process, tens of MiB). Through this small launcher the count
// is at least the launcher's own few MiB, so only a peak above that is
// exact; a warm get's is.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: rss command [args…]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout = os.Stdin, os.Stdout
	err := cmd.Run()
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fmt.Fprintln(os.Stderr, "rss: no rusage on this platform")
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "maxrss_kib %d\n", ru.Maxrss)
	if err != nil {
		os.Exit(1)
	}
}
