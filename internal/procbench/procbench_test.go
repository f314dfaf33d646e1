package procbench

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunRanksASlowerCommandSlower(t *testing.T) {
	rs, err := Run(context.Background(), []Case{
		{Name: "true", Argv: []string{"true"}},
		{Name: "sleep", Argv: []string{"sleep", "0.02"}},
		{Name: "false", Argv: []string{"false"}, OKExit: []int{1}},
	}, 1, 5)
	require.NoError(t, err)
	assert.Equal(t, 1.0, rs[0].Ratio, "the baseline's ratio; results %+v", rs)
	assert.GreaterOrEqual(t, rs[1].Median, 20*time.Millisecond, "sleep's median; results %+v", rs)
	assert.Greater(t, rs[1].Ratio, 1.0, "sleep's ratio; results %+v", rs)
	_, err = Run(context.Background(), []Case{{Name: "false", Argv: []string{"false"}}}, 0, 1)
	assert.Error(t, err, "a failing command without OKExit must be an error")
}

func TestSummarizeRatiosArePerRound(t *testing.T) {
	ms := func(xs ...int) []time.Duration {
		ds := make([]time.Duration, len(xs))
		for i, x := range xs {
			ds[i] = time.Duration(x) * time.Millisecond
		}
		return ds
	}
	tests := []struct {
		name             string
		base, other      []time.Duration
		ratio, low, high float64
	}{
		// The medians are both 20 ms (1.0x), but in every round but one the
		// case took twice the baseline's time: a load burst in round 2 hit both.
		{name: "a burst hits both sides of one round", base: ms(10, 20, 30), other: ms(20, 20, 60), ratio: 2, low: 1, high: 2},
		{name: "the same times", base: ms(5, 7, 9, 11), other: ms(5, 7, 9, 11), ratio: 1, low: 1, high: 1},
		{name: "quartiles of five rounds", base: ms(10, 10, 10, 10, 10), other: ms(30, 10, 15, 12, 20), ratio: 1.5, low: 1.2, high: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := summarize([]string{"base", "other"}, [][]time.Duration{tt.base, tt.other})
			require.Len(t, rs, 2)
			assert.Equal(t, 1.0, rs[0].Ratio, "the baseline's ratio")
			assert.InDelta(t, tt.ratio, rs[1].Ratio, 1e-9, "ratio")
			assert.InDelta(t, tt.low, rs[1].RatioLow, 1e-9, "lower quartile")
			assert.InDelta(t, tt.high, rs[1].RatioHigh, 1e-9, "upper quartile")
			assert.InDelta(t, tt.ratio, RatioOf(rs[1], rs[0]), 1e-9, "RatioOf")
			assert.Equal(t, tt.other, rs[1].Times, "times in round order")
		})
	}
}

func TestRunShufflesTheOrderEachRound(t *testing.T) {
	log := filepath.Join(t.TempDir(), "order")
	var cases []Case
	for _, name := range []string{"a", "b", "c"} {
		cases = append(cases, Case{Name: name, Argv: []string{"sh", "-c", "echo " + name + " >> " + log}})
	}
	const rounds = 20
	_, err := Run(context.Background(), cases, 0, rounds)
	require.NoError(t, err)
	data, err := os.ReadFile(log)
	require.NoError(t, err)
	runs := strings.Fields(string(data))
	require.Len(t, runs, 3*rounds)
	orders := map[string]bool{}
	for r := range rounds {
		round := runs[3*r : 3*r+3]
		assert.ElementsMatch(t, []string{"a", "b", "c"}, round, "round %d runs every case once", r)
		orders[strings.Join(round, "")] = true
	}
	// All 20 rounds in one order by chance: (1/6)^19.
	assert.Greater(t, len(orders), 1, "every round ran the cases in the same order: %v", runs)
}

func TestInstallCopiesExecutables(t *testing.T) {
	src := t.TempDir()
	a, b := filepath.Join(src, "a"), filepath.Join(src, "b")
	require.NoError(t, os.WriteFile(a, []byte("#!/bin/sh\necho a\n"), 0o700))
	require.NoError(t, os.WriteFile(b, []byte("#!/bin/sh\necho b\n"), 0o700))
	dir := t.TempDir()
	got, err := Install(dir, a, b)
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}, got)
	for i, want := range []string{"a\n", "b\n"} {
		out, err := exec.Command(got[i]).Output()
		require.NoError(t, err, "running the copy %s", got[i])
		assert.Equal(t, want, string(out), "the copy %s runs as the original", got[i])
	}
	_, err = Install(dir, a)
	assert.Error(t, err, "installing over an existing file must fail, not overwrite")
	_, err = Install(t.TempDir(), filepath.Join(src, "missing"))
	assert.ErrorIs(t, err, os.ErrNotExist)
}
