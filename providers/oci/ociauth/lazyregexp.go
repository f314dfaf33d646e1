package ociauth

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles expr on first use instead of at package init: every
// helper process links this package, and most never use it, so compiling at
// start-up would tax every request (regexp compilation is most of a cold
// start's package-init time).
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
