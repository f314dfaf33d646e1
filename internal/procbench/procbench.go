// Package procbench times whole processes side by side: each round runs
// every case once, in an order shuffled anew each round (so no case always
// runs right after another's noise or in its cache shadow), and a case's
// ratio to the baseline is the median over rounds of its time in a round
// divided by the baseline's in that same round: a burst of load on a shared
// machine moves both sides of one round's ratio together. Seconds differ
// from machine to machine; ratios mostly do not.
package procbench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
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
	// Ratio is the median over rounds of this case's time ÷ the baseline's
	// in the same round; RatioLow and RatioHigh are those ratios' quartiles.
	Ratio, RatioLow, RatioHigh float64
	// Times are the timed rounds, in round order (Times[r] of every result
	// is from the same round r).
	Times []time.Duration
}

// Run times rounds of every case after warmup untimed rounds; cases[0] is
// the baseline. Each round runs the cases in a new random order.
func Run(ctx context.Context, cases []Case, warmup, rounds int) ([]Result, error) {
	if len(cases) == 0 || rounds < 1 {
		return nil, errors.New("procbench: need at least one case and one round")
	}
	times := make([][]time.Duration, len(cases))
	for round := range warmup + rounds {
		for _, i := range rand.Perm(len(cases)) {
			d, err := cases[i].run(ctx)
			if err != nil {
				return nil, fmt.Errorf("procbench: %s: %w", cases[i].Name, err)
			}
			if round >= warmup {
				times[i] = append(times[i], d)
			}
		}
	}
	names := make([]string, len(cases))
	for i, c := range cases {
		names[i] = c.Name
	}
	return summarize(names, times), nil
}

// summarize makes the results of times[case][round]; case 0 is the baseline.
func summarize(names []string, times [][]time.Duration) []Result {
	out := make([]Result, len(names))
	for i, name := range names {
		out[i] = Result{Name: name, Median: median(times[i]), Times: times[i]}
	}
	for i := range out {
		rs := roundRatios(out[i], out[0])
		out[i].Ratio, out[i].RatioLow, out[i].RatioHigh = quantile(rs, 2), quantile(rs, 1), quantile(rs, 3)
	}
	return out
}

// RatioOf is the median over rounds of a's time ÷ b's in the same round;
// a and b are results of one Run.
func RatioOf(a, b Result) float64 { return quantile(roundRatios(a, b), 2) }

func roundRatios(a, b Result) []float64 {
	rs := make([]float64, min(len(a.Times), len(b.Times)))
	for r := range rs {
		rs[r] = float64(a.Times[r]) / float64(b.Times[r])
	}
	return rs
}

// quantile is the q-th quartile (1, 2 = the median, 3) of xs, by nearest
// rank on the sorted values.
func quantile(xs []float64, q int) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[q*(len(s)-1)/4]
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
		fmt.Fprintf(&b, "%-40s median %8.3f ms   %.2fx (quartiles %.2f–%.2f)\n", r.Name, float64(r.Median.Microseconds())/1000, r.Ratio, r.RatioLow, r.RatioHigh)
	}
	return b.String()
}
