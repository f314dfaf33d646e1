package matcher

import (
	"cmp"
	"slices"
)

// Order returns the indices of the patterns that match t, in the order
// their entries are to be tried. For a target with a path: exact hosts
// before globbed ones, then longer paths before shorter. For a target
// without one: whole-registry patterns (exact before globbed), then the
// path-scoped ones. Ties keep config order, so two entries with one pattern
// are primary and fallback. No match returns nil without allocating.
func Order(patterns []Pattern, t Target) []int {
	var idx []int
	for i := range patterns {
		if patterns[i].Match(t) {
			idx = append(idx, i)
		}
	}
	if len(idx) > 1 {
		slices.SortStableFunc(idx, func(a, b int) int {
			ka, kb := rank(patterns[a], t), rank(patterns[b], t)
			return cmp.Or(cmp.Compare(ka[0], kb[0]), cmp.Compare(ka[1], kb[1]))
		})
	}
	return idx
}

// rank is a sort key: lower sorts first.
func rank(p Pattern, t Target) [2]int {
	glob := 0
	if p.glob {
		glob = 1
	}
	if t.Path != "" {
		return [2]int{glob, -len(p.path)}
	}
	if p.path != "" {
		return [2]int{2, 0}
	}
	return [2]int{glob, 0}
}
