package gcr

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCheckTokenURI(t *testing.T) {
	tests := []struct {
		name    string
		uri     string
		wantErr bool
	}{
		{name: "absent", uri: ""},
		{name: "google", uri: "https://oauth2.googleapis.com/token"},
		{name: "loopback http", uri: "http://127.0.0.1:8080/token"},
		{name: "remote http", uri: "http://oauth2.example.com/token", wantErr: true},
		{name: "other scheme", uri: "ftp://oauth2.googleapis.com/token", wantErr: true},
		{name: "not a URL", uri: "::", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTokenURI(tt.uri)
			if tt.wantErr {
				assert.Error(t, err)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}
