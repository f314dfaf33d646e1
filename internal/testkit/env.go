package testkit

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
