package config

import (
	"regexp"
	"strconv"
	"strings"
)

// The YAML library repeats parts of the file in its messages. A value or key
// that fails may be a secret typed in the wrong place, and config errors
// reach the client's (CI) log, so only what is shaped like a setting name
// is repeated.

// showKey quotes a key the file holds when it is shaped like a setting name
// (a typo worth showing); anything else may be a secret written where a
// key belongs (`passwordEnv glpat-…` without its colon is one key) and is
// not repeated.
func showKey(k string) string {
	if !keyShaped(k) {
		return "(not shown: it is not shaped like a setting name)"
	}
	return strconv.Quote(k)
}

// keyShaped accepts 1 to 40 ASCII letters: every setting name is one, and
// a secret almost never is.
func keyShaped(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// hideKeys drops the keys and anchor names a yaml message quotes ("mapping
// key \"x\" already defined", "unknown anchor 'x'") unless they are shaped
// like a setting name. It runs on errors only, so its expression is
// compiled there, not at every start of the engine.
func hideKeys(msg string) string {
	re := regexp.MustCompile(`(mapping key |invalid map key: )("(?:[^"\\]|\\.)*")|(anchor )'([^']*)'`)
	return re.ReplaceAllStringFunc(msg, func(m string) string {
		sub := re.FindStringSubmatch(m)
		if sub[1] != "" {
			if k, err := strconv.Unquote(sub[2]); err == nil && keyShaped(k) {
				return m
			}
			return sub[1] + "(not shown)"
		}
		if keyShaped(sub[4]) {
			return m
		}
		return sub[3] + "(not shown)"
	})
}

// hideValue drops the value yaml quotes in backticks ("cannot unmarshal
// !!str `hunter2` into …"): a misplaced secret must not be echoed back.
func hideValue(msg string) string {
	start := strings.IndexByte(msg, '`')
	end := strings.LastIndexByte(msg, '`')
	if start < 0 || end <= start {
		return msg
	}
	return msg[:start] + "a value" + msg[end+1:]
}
