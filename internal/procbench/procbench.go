// Package procbench times whole processes side by side: each round runs
// every case once, in turn, so machine noise hits all of them alike, and the
// result is each case's median as a ratio to a baseline case measured in the
// same run. Seconds differ from machine to machine; ratios mostly do not.
package procbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"time"
)

// Case is one command to time.
type Case struct {
	Name  string
	Argv  []string
	Env   []string // the whole environment of the process
	Stdin string
	// OKExit lists exit codes that are answers, not failures (the Docker
	// protocol's not-found is exit 1).
	OKExit []int
}

// Result is one case's timings.
type Result struct {
	Name   string
	Median time.Duration
	Ratio  float64 // Median / the baseline's median
}

// Run times rounds of every case after warmup untimed rounds; cases[0] is
// the baseline.
func Run(ctx context.Context, cases []Case, warmup, rounds int) ([]Result, error) {
	if len(cases) == 0 || rounds < 1 {
		return nil, errors.New("procbench: need at least one case and one round")
	}
	times := make([][]time.Duration, len(cases))
	for round := range warmup + rounds {
		for i, c := range cases {
			d, err := c.run(ctx)
			if err != nil {
				return nil, fmt.Errorf("procbench: %s: %w", c.Name, err)
			}
			if round >= warmup {
				times[i] = append(times[i], d)
			}
		}
	}
	base := median(times[0])
	out := make([]Result, len(cases))
	for i, c := range cases {
		m := median(times[i])
		out[i] = Result{Name: c.Name, Median: m, Ratio: float64(m) / float64(base)}
	}
	return out, nil
}

func (c Case) run(ctx context.Context) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, c.Argv[0], c.Argv[1:]...)
	cmd.Env = c.Env
	cmd.Stdin = strings.NewReader(c.Stdin)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	var ee *exec.ExitError
	if errors.As(err, &ee) && slices.Contains(c.OKExit, ee.ExitCode()) {
		err = nil
	}
	return d, err
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// Format renders results as a table, one case a line.
func Format(rs []Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintf(&b, "%-40s median %8.3f ms   %.2fx\n", r.Name, float64(r.Median.Microseconds())/1000, r.Ratio)
	}
	return b.String()
}
