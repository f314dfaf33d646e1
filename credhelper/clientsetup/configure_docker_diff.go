package clientsetup

import (
	"fmt"
	"strings"
)

// maxDiffLines bounds the files unifiedDiff compares: its table is
// quadratic, and config files are a few dozen lines.
const maxDiffLines = 5000

// unifiedDiff returns a unified diff (3 lines of context) turning a into b,
// "" when they are equal.
func unifiedDiff(name string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	x, y := splitKeepEmpty(string(a)), splitKeepEmpty(string(b))
	if len(x) > maxDiffLines || len(y) > maxDiffLines {
		return fmt.Sprintf("--- %s\n+++ %s\n(too large to show: %d → %d lines)\n", name, name, len(x), len(y))
	}
	ops := diffOps(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s (new)\n", name, name)
	for _, h := range hunks(ops, 3) {
		writeHunk(&out, ops[h[0]:h[1]])
	}
	return out.String()
}

func splitKeepEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// diffOp is one line of the edit script: ' ' kept, '-' removed, '+' added,
// with its 1-based line numbers in a and b.
type diffOp struct {
	kind   byte
	text   string
	ai, bi int
}

// diffOps computes a shortest edit script from the longest common
// subsequence table.
func diffOps(x, y []string) []diffOp {
	n, m := len(x), len(y)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && x[i] == y[j]:
			ops = append(ops, diffOp{' ', x[i], i + 1, j + 1})
			i, j = i+1, j+1
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, diffOp{'-', x[i], i + 1, j})
			i++
		default:
			ops = append(ops, diffOp{'+', y[j], i, j + 1})
			j++
		}
	}
	return ops
}

// hunks groups the changes with ctx lines of context: [start, end) ranges
// of ops.
func hunks(ops []diffOp, ctx int) [][2]int {
	var out [][2]int
	for i := 0; i < len(ops); i++ {
		if ops[i].kind == ' ' {
			continue
		}
		start := max(0, i-ctx)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(len(ops), end+ctx)
				break
			}
			end = run
		}
		if len(out) > 0 && start <= out[len(out)-1][1] {
			out[len(out)-1][1] = end
		} else {
			out = append(out, [2]int{start, end})
		}
		i = end - 1
	}
	return out
}

func writeHunk(out *strings.Builder, ops []diffOp) {
	aStart, bStart, aLen, bLen := 0, 0, 0, 0
	for _, op := range ops {
		if op.kind != '+' {
			if aLen == 0 {
				aStart = op.ai
			}
			aLen++
		}
		if op.kind != '-' {
			if bLen == 0 {
				bStart = op.bi
			}
			bLen++
		}
	}
	if aLen == 0 {
		aStart = ops[0].ai
	}
	if bLen == 0 {
		bStart = ops[0].bi
	}
	fmt.Fprintf(out, "@@ -%d,%d +%d,%d @@\n", aStart, aLen, bStart, bLen)
	for _, op := range ops {
		out.WriteByte(op.kind)
		out.WriteString(op.text)
		out.WriteByte('\n')
	}
}
