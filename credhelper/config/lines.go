package config

import (
	"fmt"
	"sync"
)

// lineIndex finds the line of each registries element on first use. Only
// messages need the lines, and finding them is a second YAML parse that a
// warm `get` would otherwise pay on every request.
type lineIndex struct {
	path  string
	data  []byte
	once  sync.Once
	lines []int
}

// source is "path:line" for the i-th entry ("path:0" if the line is unknown).
func (x *lineIndex) source(i int) string {
	x.once.Do(func() { x.lines = entryLines(x.data) })
	line := 0
	if i < len(x.lines) {
		line = x.lines[i]
	}
	return fmt.Sprintf("%s:%d", x.path, line)
}
