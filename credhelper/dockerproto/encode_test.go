package dockerproto

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		{name: "every ASCII byte", c: Credentials{Secret: everyASCII()}},
		{name: "unicode", c: Credentials{Secret: "é日本\u2028\u2029😀"}},
		{name: "invalid utf-8", c: Credentials{Secret: "a\xffb\xc3(c\xed\xa0\x80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertSame(t, tt.c)
		})
	}
}

func everyASCII() string {
	b := make([]byte, 0x80)
	for i := range b {
		b[i] = byte(i)
	}
	return string(b)
}

func assertSame(t *testing.T, c Credentials) {
	t.Helper()
	var want, got bytes.Buffer
	require.NoError(t, WriteJSON(&want, c))
	require.NoError(t, WriteCredentials(&got, c))
	assert.Equal(t, want.String(), got.String(), "WriteCredentials(%q), compared with WriteJSON", c)
}

func FuzzWriteCredentials(f *testing.F) {
	f.Add("reg.example.com", "AWS", "tok")
	f.Add("<&>", "\u2028", "\xff\x00")
	f.Fuzz(func(t *testing.T, server, user, secret string) {
		assertSame(t, Credentials{ServerURL: server, Username: user, Secret: secret})
	})
}
