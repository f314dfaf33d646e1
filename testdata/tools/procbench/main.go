// Command procbench times whole processes side by side: each round runs
// every case once, in turn, so machine noise hits all of them alike; it
// prints each case's median and its ratio to the first case (the baseline).
//
//	procbench -runs 300 'floor=/tmp/floor' 'get=bin/docker-credential-regcred get' < cases
//
// A case is name=command [args…]; its stdin is the text after "<<<" when
// present: 'get=bin/x get <<<registry.example.com'.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

type benchCase struct {
	name  string
	argv  []string
	stdin string
	times []time.Duration
}

func main() {
	runs := flag.Int("runs", 200, "rounds")
	warmup := flag.Int("warmup", 20, "untimed rounds first")
	flag.Parse()
	var cases []*benchCase
	for _, arg := range flag.Args() {
		c, err := parseCase(arg)
		if err != nil {
			fmt.Fprintln(os.Stderr, "procbench:", err)
			os.Exit(2)
		}
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		fmt.Fprintln(os.Stderr, "procbench: no cases")
		os.Exit(2)
	}
	for round := 0; round < *warmup+*runs; round++ {
		for _, c := range cases {
			d, err := c.run()
			if err != nil {
				fmt.Fprintf(os.Stderr, "procbench: %s: %v\n", c.name, err)
				os.Exit(1)
			}
			if round >= *warmup {
				c.times = append(c.times, d)
			}
		}
	}
	base := median(cases[0].times)
	for _, c := range cases {
		m := median(c.times)
		fmt.Printf("%-28s median %8.3f ms   ratio %.2fx\n", c.name, float64(m.Microseconds())/1000, float64(m)/float64(base))
	}
}

func parseCase(arg string) (*benchCase, error) {
	name, rest, ok := strings.Cut(arg, "=")
	if !ok || name == "" {
		return nil, fmt.Errorf("case %q: want name=command", arg)
	}
	cmd, stdin, _ := strings.Cut(rest, "<<<")
	argv := strings.Fields(cmd)
	if len(argv) == 0 {
		return nil, fmt.Errorf("case %q: empty command", arg)
	}
	return &benchCase{name: name, argv: argv, stdin: stdin}, nil
}

// run executes the case once. Exit status 1 counts as an answer (the
// protocol's not-found is exit 1); anything else is a failure.
func (c *benchCase) run() (time.Duration, error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Stdin = strings.NewReader(c.stdin)
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	return d, err
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
