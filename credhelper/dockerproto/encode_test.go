package dockerproto

import (
	"bytes"
	"testing"
)

func TestWriteCredentialsIsWriteJSON(t *testing.T) {
	tests := []struct {
		name string
		c    Credentials
	}{
		{name: "plain", c: Credentials{ServerURL: "reg.example.com", Username: "AWS", Secret: "tok"}},
		{name: "empty", c: Credentials{}},
		{name: "html", c: Credentials{ServerURL: "https://r/<a>&b", Username: "u", Secret: "p<>&"}},
		{name: "controls", c: Credentials{Secret: "a\x00\x01\b\f\n\r\t\x1f\x7f\"\\/"}},
		{name: "unicode", c: Credentials{Secret: "é日本\u2028\u2029😀"}},
		{name: "invalid utf-8", c: Credentials{Secret: "a\xffb\xc3(c\xed\xa0\x80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertSame(t, tt.c)
		})
	}
}

func assertSame(t *testing.T, c Credentials) {
	t.Helper()
	var want, got bytes.Buffer
	if err := WriteJSON(&want, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteCredentials(&got, c); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("WriteCredentials(%q) =\n%q, WriteJSON gives\n%q", c, got.String(), want.String())
	}
}

func FuzzWriteCredentials(f *testing.F) {
	f.Add("reg.example.com", "AWS", "tok")
	f.Add("<&>", "\u2028", "\xff\x00")
	f.Fuzz(func(t *testing.T, server, user, secret string) {
		assertSame(t, Credentials{ServerURL: server, Username: user, Secret: secret})
	})
}
