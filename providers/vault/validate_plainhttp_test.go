package vault

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/regcred/regcred/internal/testkit"
	"github.com/regcred/regcred/providers"
)

func TestValidatePlainHTTP(t *testing.T) {
	tests := []struct {
		name    string
		address string
		allow   bool
		wantErr bool
	}{
		{name: "https anywhere", address: "https://vault.example.com:8200"},
		{name: "http to 127.0.0.1", address: "http://127.0.0.1:8200"},
		{name: "http to ::1", address: "http://[::1]:8200"},
		{name: "http to localhost", address: "http://localhost:8200"},
		{name: "http to a remote host", address: "http://vault.example.com:8200", wantErr: true},
		{name: "http to a remote address", address: "http://10.0.0.7:8200", wantErr: true},
		{name: "http to a remote host, allowed", address: "http://vault.example.com:8200", allow: true},
		{name: "http to IPv4-mapped loopback", address: "http://[::ffff:127.0.0.1]:8200"},
		{name: "http to LOCALHOST", address: "http://LOCALHOST:8200"},
		{name: "http to a zoned ::1", address: "http://[::1%25lo]:8200", wantErr: true},
		{name: "http to a name under localhost", address: "http://localhost.example.com:8200", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Config{Address: tt.address, AllowHTTP: tt.allow, Path: "kv/registry"}.Validate()
			if !tt.wantErr {
				require.NoError(t, err)
				return
			}
			testkit.WantErr(t, err, providers.ErrInvalid, "allowHTTP")
		})
	}
}
