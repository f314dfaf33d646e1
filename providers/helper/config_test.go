package helper

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/regcred/regcred/providers"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
	}{
		{name: "name", cfg: Config{Name: "desktop"}},
		{name: "absolute path", cfg: Config{Path: "/usr/bin/docker-credential-pass"}},
		{name: "none", cfg: Config{}, wantErr: true},
		{name: "both", cfg: Config{Name: "pass", Path: "/usr/bin/docker-credential-pass"}, wantErr: true},
		{name: "name with slash", cfg: Config{Name: "../pass"}, wantErr: true},
		{name: "relative path", cfg: Config{Path: "bin/docker-credential-pass"}, wantErr: true},
		{name: "regcred by name", cfg: Config{Name: "regcred"}, wantErr: true},
		{name: "regcred by path", cfg: Config{Path: "/usr/local/bin/docker-credential-regcred"}, wantErr: true},
		{name: "engine by path", cfg: Config{Path: "/usr/local/bin/regcred-engine"}, wantErr: true},
		{name: "fetcher by path", cfg: Config{Path: "/usr/local/bin/regcred-fetch"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if !tt.wantErr {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, providers.ErrInvalid)
		})
	}
}
