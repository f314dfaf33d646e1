package providers

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestJWTExpiry(t *testing.T) {
	jwt := func(payload string) string {
		return "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString([]byte(payload)) + ".c2ln"
	}
	tests := []struct {
		name   string
		token  string
		want   time.Time
		wantOK bool
	}{
		{name: "exp", token: jwt(`{"sub":"system:serviceaccount:ci:builder","exp":1767225600}`), want: time.Unix(1767225600, 0), wantOK: true},
		{name: "exp with surrounding space", token: " " + jwt(`{"exp":1767225600}`) + "\n", want: time.Unix(1767225600, 0), wantOK: true},
		{name: "no exp", token: jwt(`{"sub":"x"}`)},
		{name: "exp not a number", token: jwt(`{"exp":"tomorrow"}`)},
		{name: "payload not JSON", token: jwt(`exp`)},
		{name: "not a JWT", token: "fake-sa-token.ns1.builder"},
		{name: "opaque", token: "s.abcdef"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := JWTExpiry(tt.token)
			assert.Equal(t, tt.wantOK, ok)
			assert.True(t, got.Equal(tt.want), "JWTExpiry = %v, want %v", got, tt.want)
		})
	}
}
