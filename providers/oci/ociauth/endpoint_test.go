package ociauth

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func TestParseEndpoint(t *testing.T) {
	tests := []struct {
		raw  string
		want string // "" means refused
	}{
		{raw: "https://secrets.example.com", want: "https://secrets.example.com"},
		{raw: "https://secrets.example.com:8443/", want: "https://secrets.example.com:8443"},
		{raw: "http://127.0.0.1:9000", want: "http://127.0.0.1:9000"},
		{raw: "http://[::1]:9000", want: "http://[::1]:9000"},
		{raw: "http://localhost:9000", want: "http://localhost:9000"},
		{raw: "http://[::ffff:127.0.0.1]:9000", want: "http://[::ffff:127.0.0.1]:9000"},
		{raw: "http://127.8.9.10", want: "http://127.8.9.10"},
		{raw: "http://[::1%25lo]:9000"},
		{raw: "http://[::2]:9000"},
		{raw: "http://127.0.0.1.example.com"},
		{raw: "http://secrets.example.com"},
		{raw: "https://user:pw@secrets.example.com"},
		{raw: "https://secrets.example.com/20190301"},
		{raw: "https://secrets.example.com?x=1"},
		{raw: "ftp://secrets.example.com"},
		{raw: "secrets.example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			got, err := ParseEndpoint("ocivault", "endpoint", tc.raw)
			if tc.want == "" {
				testkit.WantErr(t, err, providers.ErrInvalid, "endpoint")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
