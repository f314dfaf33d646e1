package lazyregexp

import "testing"

func TestNewCompilesOnceOnFirstUse(t *testing.T) {
	re := New(`^a+$`)
	first := re()
	if !first.MatchString("aaa") || first.MatchString("b") {
		t.Fatalf("%v does not match as written", first)
	}
	if re() != first {
		t.Error("a second call compiled the expression again")
	}
}
