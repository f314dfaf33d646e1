package testkit

import "slices"

// Env is an injected environment: hand Env{...}.Lookup to code that takes a
// LookupEnv func(string) (string, bool) in place of os.LookupEnv. A nil Env
// is an empty environment.
type Env map[string]string

// Lookup reports the variable's value and whether it is set, like
// os.LookupEnv.
func (e Env) Lookup(key string) (string, bool) {
	v, ok := e[key]
	return v, ok
}

// Environ is the environment as "KEY=value" lines, sorted, for code that
// takes an environ func() []string (a child process's environment).
func (e Env) Environ() []string {
	out := make([]string, 0, len(e))
	for k, v := range e {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}
